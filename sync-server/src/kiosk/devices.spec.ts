import { describe, expect, it } from 'vitest';
import { fleetView, newEnrolmentCode, type KioskDoc } from './devices.js';
import { normalizeEnrolmentCode } from '../../../src/lib/domain/kiosk-signing.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const MINUTE = 60_000;

function kiosk(fields: Partial<KioskDoc> = {}): KioskDoc {
	return {
		_id: 'kiosk:kiosk-0123456789abcdef',
		type: 'kiosk_device',
		kiosk_id: 'kiosk-0123456789abcdef',
		name: 'Kiosk 1',
		centre: 'Muharraq',
		location: '',
		created_at: '2026-12-01T08:00:00Z',
		created_by: 's1',
		enrolment: null,
		public_key: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'B'.repeat(43) },
		enrolled_at: '2026-12-01T08:05:00Z',
		revoked_at: null,
		nonces: { n1: NOW },
		last_seen_at: new Date(NOW - 5 * MINUTE).toISOString(),
		app_version: '1.0.0',
		errors: [],
		error_count: 0,
		session: { citizen_id: 'c1', phone: '+97336000001', started_at: new Date(NOW).toISOString(), case_keys: [] },
		...fields
	};
}

describe('fleetView', () => {
	it.each([
		['an enrolled kiosk heard from within the time', kiosk(), 10, 'enrolled', false],
		['an enrolled kiosk silent for longer', kiosk(), 4, 'enrolled', true],
		['an enrolled kiosk never heard from', kiosk({ last_seen_at: null }), 10, 'enrolled', true],
		['a kiosk awaiting enrolment', kiosk({ public_key: null, last_seen_at: null, enrolment: { code_sha256: 'x', expires_at: '2026-12-07T12:00:00Z' } }), 10, 'awaiting_enrolment', false],
		['a revoked kiosk', kiosk({ revoked_at: '2026-12-05T00:00:00Z', last_seen_at: null }), 10, 'revoked', false]
	])('%s', (_name, doc, staleMinutes, state, stale) => {
		expect(fleetView(doc, NOW, staleMinutes * MINUTE)).toMatchObject({ state, stale });
	});

	it('shows neither the key, nor the nonces, nor who is at the kiosk', () => {
		const view = JSON.stringify(fleetView(kiosk(), NOW, 10 * MINUTE));
		expect(view).not.toMatch(/public_key|nonces|"session"|\+973|c1"/);
		expect(fleetView(kiosk(), NOW, 10 * MINUTE).in_session).toBe(true);
	});
});

describe('newEnrolmentCode', () => {
	it('makes codes the device side reads back unchanged, and not the same twice', () => {
		const codes = Array.from({ length: 200 }, newEnrolmentCode);
		for (const code of codes) expect(normalizeEnrolmentCode(code)).toBe(code);
		expect(new Set(codes).size).toBe(codes.length);
	});
});
