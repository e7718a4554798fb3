/** Which store this lane runs on, checked rather than assumed: on the CouchDB lane the server
 * must be talking to a real Apache CouchDB (not a second embedded store), and its databases
 * must carry the lane's prefix, so that what the other tests prove holds for CouchDB. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB } from '../../src/lib/domain/doc-types.js';
import { LANE, LANE_COUCHDB, local, remote, signInCitizen, startInProcess, submitAction, waitFor } from './harness.js';

let server: Awaited<ReturnType<typeof startInProcess>>;

beforeAll(async () => {
	server = await startInProcess();
});

afterAll(async () => {
	await server?.stop();
});

describe(`store lane: ${LANE}`, () => {
	it('runs on the store the lane names', async () => {
		const welcome = (await (await server.store.fetch('/')).json()) as { couchdb?: string; vendor?: { name?: string }; 'express-pouchdb'?: string };
		if (LANE_COUCHDB) {
			expect(server.store.embedded).toBe(false);
			expect(welcome.couchdb).toBe('Welcome');
			expect(welcome.vendor?.name).toBe('The Apache Software Foundation');
			expect(server.store.prefix).toMatch(/^t[0-9a-f]{12}_$/);
			const all = (await (await server.store.fetch('/_all_dbs')).json()) as string[];
			expect(all).toContain(`${server.store.prefix}${DB.INTAKE}`);
			expect(all).not.toContain(DB.INTAKE);
		} else {
			expect(server.store.embedded).toBe(true);
			expect(welcome['express-pouchdb']).toBe('Welcome!');
		}
	});

	it('seeds, routes and projects a case end to end', async () => {
		const citizen = await signInCitizen(server.base, '+97336000444');
		const outbox = local('outbox');
		const submit = submitAction();
		await outbox.put(submit);
		await outbox.replicate.to(remote(server.base, 'intake', citizen));
		const stored = await waitFor(() => server.store.use<{ ref: string; entity_id: string }>(DB.CASES).get(`case:${submit.case_key}`));
		expect(stored.entity_id).toBe('works');
		const projected = await waitFor(() => server.store.use<{ ref: string }>(`u_${citizen.user.user_id}`).get(`case:${submit.case_key}`));
		expect(projected.ref).toBe(stored.ref);
	});
});
