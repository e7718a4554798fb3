/** Shared by the redaction specs (issue 15, step 5): a works case with a checkered photo and a
 * PDF, the staff's requests, and the pixels of what a device pulls. */
import sharp from 'sharp';
import { checkeredPhoto, pdf } from '../fixtures/files.js';
import { local, remote, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from './harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;

export interface World {
	server: Server;
	citizen: Session;
	agent: Session;
	manager: Session;
	other: Session;
}

export async function startWorld(): Promise<World> {
	const server = await startInProcess();
	return {
		server,
		citizen: await signInCitizen(server.base, '+97336400511'),
		agent: await signInStaff(server.base, 'agent.works'),
		manager: await signInStaff(server.base, 'manager.works'),
		other: await signInStaff(server.base, 'agent.health')
	};
}

/** A case filed by the citizen with a photo and a PDF; resolves once both reached the entity. */
export async function caseWithPhoto(world: World): Promise<{ caseKey: string; photoId: string; pdfId: string }> {
	const photo = await checkeredPhoto();
	const submit = submitAction({
		_attachments: {
			'photo-1.jpg': { content_type: 'image/jpeg', data: photo.toString('base64') },
			'document-1.pdf': { content_type: 'application/pdf', data: pdf().toString('base64') }
		}
	});
	const outbox = local('outbox');
	await outbox.put(submit);
	await outbox.replicate.to(remote(world.server.base, 'intake', world.citizen));
	const photoId = `att:${submit._id}:photo-1.jpg`;
	await waitFor(async () => ((await world.server.store.fetch(`/e_works/${encodeURIComponent(photoId)}`)).ok ? true : undefined), 15_000, 'the photo in e_works');
	await waitFor(async () => {
		const caseDoc = await world.server.store.use<{ timeline: { attachments?: unknown[] }[] }>('cases').get(`case:${submit.case_key}`);
		return caseDoc.timeline[0]?.attachments?.length === 2 ? true : undefined;
	});
	return { caseKey: submit.case_key, photoId, pdfId: `att:${submit._id}:document-1.pdf` };
}

export function attachmentPath(caseKey: string, attachmentId: string, step: 'redact' | 'revert' | 'original'): string {
	return `/api/cases/${caseKey}/attachments/${encodeURIComponent(attachmentId)}/${step}`;
}

export function post(world: World, session: Session | null, path: string, body: unknown): Promise<Response> {
	return fetch(`${world.server.base}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(session ? { cookie: session.cookie } : {}) },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
}

/** The photo as the session's device holds it after pulling its entity's database. */
export async function pulledPhoto(world: World, session: Session, attachmentId: string): Promise<{ doc: Record<string, unknown>; bytes: Buffer }> {
	const mirror = local('mirror');
	await mirror.replicate.from(remote(world.server.base, `e_${session.user.entity_id}`, session));
	const doc = (await mirror.get(attachmentId, { attachments: true, binary: true })) as unknown as { name: string; _attachments: Record<string, { data: Buffer }> } & Record<string, unknown>;
	return { doc, bytes: doc._attachments[doc.name].data };
}

/** Raw greyscale pixels, for comparing two versions of a photo. */
export async function grey(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
	const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height };
}

/** Mean absolute difference of two same-size images over the pixels `where` selects (0..255). */
export function meanDifference(a: { data: Buffer; width: number }, b: { data: Buffer }, where: (x: number, y: number) => boolean): number {
	let sum = 0;
	let count = 0;
	for (let i = 0; i < a.data.length; i++) {
		const x = i % a.width;
		const y = Math.floor(i / a.width);
		if (!where(x, y)) continue;
		sum += Math.abs(a.data[i] - b.data[i]);
		count++;
	}
	return sum / count;
}

/** The audit entries of the works entity about one attachment, oldest first. */
export async function auditOf(world: World, attachmentId: string): Promise<{ kind: string; actor: { user_id: string }; at: string; changes?: { reason?: string; rects?: number } }[]> {
	const response = await fetch(`${world.server.base}/api/audit?limit=200`, { headers: { cookie: world.manager.cookie } });
	if (!response.ok) throw new Error(`audit ${response.status}`);
	const { entries } = (await response.json()) as { entries: { kind: string; target?: { id: string }; actor: { user_id: string }; at: string }[] };
	return entries.filter((entry) => entry.target?.id === attachmentId).reverse();
}
