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

/** Where a person lands after signing in when no page was asked for. */
export function homeFor(user: Pick<SessionUser, 'role' | 'entity_id' | 'must_change_password'>): string {
	if (user.must_change_password) return '/staff/account';
	if (user.role === 'coordinator') return '/admin';
	if ((user.role === 'agent' || user.role === 'manager') && user.entity_id) return '/staff';
	if (user.role === 'citizen') return '/cases';
	if (user.role === 'minister') return '/dashboard';
	// A kiosk files through its own signed API, never the citizen's outbox (issue 12).
	if (user.role === 'kiosk') return '/kiosk';
	return '/';
}

/** First half of signing out: sends the outbox now and says how many actions are still not on
 * the server (0: nothing would be lost). Offline, what the server has not processed yet counts,
 * since this device cannot tell what reached it. */
export async function unsentBeforeSignOut(): Promise<number> {
	const user = session.user;
	if (!user) return 0;
	if (await sync.pushOutbox(user)) return 0;
	const { countPending } = await import('./queries');
	try {
		return await countPending();
	} catch {
		const outbox = await sync.outbox();
		return (await outbox.info()).doc_count;
	}
}

/** Ends the session — on this device, or on every device (which needs the server: nothing changes
 * here if it cannot be reached) — stops replication and removes the person's mirrors, outbox and
 * drafts from this device. Call after `unsentBeforeSignOut()` found nothing unsent, or the person agreed
 * to lose it. */
export async function signOut(options: { everywhere?: boolean } = {}): Promise<void> {
	const user = session.user;
	await session.signOut(options.everywhere === true);
	if (!user) return;
	await sync.forget(user).catch(() => undefined);
	const { forgetDrafts } = await import('./drafts');
	await forgetDrafts(user.user_id).catch(() => undefined);
}
