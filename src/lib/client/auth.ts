import type { SessionUser } from './api';
import { session } from './session.svelte';
import { sync } from './sync.svelte';

/** Only same-site paths are followed after sign-in ("/cases", not "//evil" or "https://…"). */
export function safeNext(next: string | null | undefined, fallback: string): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
	return next;
}

/** After a successful sign-in: remember the user (replication follows from the layout) and hand
 * the drafts written signed out on this device to them. */
export async function completeSignIn(user: SessionUser): Promise<void> {
	session.set(user);
	const { claimDrafts } = await import('./drafts');
	await claimDrafts(user.user_id).catch(() => undefined);
}

/** Ends the session, stops replication and removes the person's mirrors from this device. */
export async function signOut(): Promise<void> {
	const user = session.user;
	await session.signOut();
	if (user) await sync.forget(user).catch(() => undefined);
}
