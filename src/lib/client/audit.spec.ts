import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditKindKey, fetchAudit } from './audit';

describe('auditKindKey', () => {
	const known = new Set(['audit.kind.admin.settings.update', 'action.kind.reply']);
	it.each([
		['admin.settings.update', 'audit.kind.admin.settings.update'],
		['reply', 'action.kind.reply'],
		['admin.something.new', null]
	])('%s → %s', (kind, key) => {
		expect(auditKindKey(kind, (k) => known.has(k))).toBe(key);
	});

	it('names every admin change the server records', () => {
		const kinds = [
			'admin.entity.create',
			'admin.entity.update',
			'admin.category.create',
			'admin.category.update',
			'admin.category.delete',
			'admin.routing.update',
			'admin.settings.update',
			'admin.holidays.update',
			'admin.sms_template.update',
			'admin.staff.create',
			'admin.staff.update',
			'admin.staff.password_reset',
			'admin.staff.totp_reset',
			'admin.kiosk.create',
			'admin.kiosk.update',
			'admin.kiosk.password_reset'
		];
		for (const kind of kinds) expect(auditKindKey(kind), kind).toBe(`audit.kind.${kind}`);
	});

	it('names every sign-in event the server records', () => {
		const kinds = ['auth.sign_in.sms', 'auth.sign_in.password', 'auth.sign_in.totp', 'auth.sign_in.ekey', 'auth.sign_out', 'auth.sign_out_all', 'auth.password_change'];
		for (const kind of kinds) expect(auditKindKey(kind), kind).toBe(`audit.kind.${kind}`);
	});
});

describe('fetchAudit', () => {
	afterEach(() => vi.unstubAllGlobals());

	it('asks for whole days of the national time zone, not UTC days', async () => {
		const fetch = vi.fn(async () => new Response(JSON.stringify({ entries: [], next_cursor: null }), { status: 200 }));
		vi.stubGlobal('fetch', fetch);
		await fetchAudit({ entity: 'works', from: '2026-03-01', to: '2026-03-02', cursor: 'abc' }, 'Asia/Bahrain');
		const url = new URL(String((fetch.mock.calls[0] as unknown[])[0]), 'http://x');
		expect(Object.fromEntries(url.searchParams)).toEqual({
			limit: '50',
			entity: 'works',
			from: '2026-02-28T21:00:00.000Z',
			to: '2026-03-02T20:59:59.999Z',
			cursor: 'abc'
		});
	});
});
