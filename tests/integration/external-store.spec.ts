/** With COUCHDB_URL the server uses that CouchDB-compatible server over HTTP and keeps nothing
 * of its own: here a separate store stands in for Apache CouchDB. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../sync-server/src/store.js';
import { local, remote, signInCitizen, startInProcess, submitAction, tempDir, waitFor } from './harness.js';

let couch: Store;
let server: Awaited<ReturnType<typeof startInProcess>>;

beforeAll(async () => {
	couch = await openStore({ couchdbUrl: null, dataDir: tempDir() });
	server = await startInProcess({ COUCHDB_URL: couch.url });
});

afterAll(async () => {
	await server?.stop();
	await couch?.close();
});

describe('COUCHDB_URL', () => {
	it('seeds, routes and projects into the configured CouchDB', async () => {
		expect(server.store.embedded).toBe(false);
		const citizen = await signInCitizen(server.base, '+97336000444');
		const outbox = local('outbox');
		const submit = submitAction();
		await outbox.put(submit);
		await outbox.replicate.to(remote(server.base, 'intake', citizen));
		const stored = await waitFor(() => couch.use<{ ref: string; entity_id: string }>('cases').get(`case:${submit.case_key}`));
		expect(stored.entity_id).toBe('works');
		const entities = await couch.use('config').list({ startkey: 'entity:', endkey: 'entity:\uffff' });
		expect(entities.rows.length).toBeGreaterThanOrEqual(20);
		// The case is saved first; its projections follow in the same batch.
		const projected = await waitFor(() => couch.use<{ ref: string }>(`u_${citizen.user.user_id}`).get(`case:${submit.case_key}`));
		expect(projected.ref).toBe(stored.ref);
	});
});
