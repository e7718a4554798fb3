/** Issue 10, finding 11 (files part): once a case is transferred, its files leave the database of
 * the entity that gave it away, and come back if the case is transferred back. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUp, local, remote, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from '../integration/harness.js';
import { smallImage } from '../fixtures/files.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
let citizen: Session;
let works: Session;
let health: Session;

beforeAll(async () => {
	server = await startInProcess();
	citizen = await signInCitizen(server.base, '+97336400401');
	works = await signInStaff(server.base, 'agent.works');
	health = await signInStaff(server.base, 'agent.health');
});

afterAll(async () => {
	await server?.stop();
});

async function push(session: Session, doc: Record<string, unknown>) {
	const outbox = local('outbox');
	await outbox.put(doc);
	await outbox.replicate.to(remote(server.base, 'intake', session));
}

/** The file as the session's device would see it after pulling `db`: present, or gone. */
async function fileIn(session: Session, db: string, id: string): Promise<'present' | 'gone'> {
	const mirror = local('mirror');
	await mirror.replicate.from(remote(server.base, db, session));
	return (await mirror.get(id).catch(() => null)) ? 'present' : 'gone';
}

async function until(session: Session, db: string, id: string, state: 'present' | 'gone') {
	return waitFor(async () => ((await fileIn(session, db, id)) === state ? state : undefined), 15_000, `${id} ${state} in ${db}`);
}

describe('files of a transferred case', () => {
	it('leave the former entity, stay with the citizen, and come back on a transfer back', async () => {
		const photo = (await smallImage('png')).toString('base64');
		const submit = submitAction({ _attachments: { 'photo-1.png': { content_type: 'image/png', data: photo } } });
		// The gate stores a PNG as WebP (gate/files.ts).
		const file = `att:${submit._id}:photo-1.webp`;
		await push(citizen, submit);
		await until(works, 'e_works', file, 'present');

		await push(works, followUp(submit.case_key, 'transfer', { to_entity_id: 'health', reason: 'Standing water by a clinic: public health.' }));
		await until(health, 'e_health', file, 'present');
		await until(works, 'e_works', file, 'gone');
		expect(await fileIn(citizen, `u_${citizen.user.user_id}`, file)).toBe('present');

		await push(health, followUp(submit.case_key, 'transfer', { to_entity_id: 'works', reason: 'The road itself is broken: works.' }));
		await until(works, 'e_works', file, 'present');
		await until(health, 'e_health', file, 'gone');
		// The store agrees with what devices see: the copy in e_health is deleted, not just hidden.
		const stored = await server.store.fetch(`/e_health/${encodeURIComponent(file)}`);
		expect(stored.status).toBe(404);
	});
});
