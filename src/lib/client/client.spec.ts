import { describe, expect, it } from 'vitest';
import { errorFromResponse } from './api';
import { homeFor, safeNext } from './auth';
import { i18n } from './i18n.svelte';
import { fitWithin, jpegName } from './images';
import { parseLocation } from './outbox';

describe('errorFromResponse', () => {
	const response = (status: number, body: unknown) => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

	it('keeps a known code, the fields and the message key', async () => {
		const error = await errorFromResponse(response(400, { error: { code: 'otp_invalid', message_key: 'errors.otp_invalid', fields: [{ field: 'code', code: 'otp_invalid' }] } }));
		expect(error).toMatchObject({ status: 400, code: 'otp_invalid', messageKey: 'errors.otp_invalid' });
		expect(error.fields).toEqual([{ field: 'code', code: 'otp_invalid' }]);
	});

	it.each([
		[401, 'unauthorized'],
		[429, 'rate_limited'],
		[500, 'server'],
		[502, 'network']
	])('falls back on the status %i for an unknown or missing code', async (status, code) => {
		expect((await errorFromResponse(response(status, '<html>proxy</html>'))).code).toBe(code);
		expect((await errorFromResponse(response(status, { error: { code: 'made_up' } }))).code).toBe(code);
	});
});

describe('safeNext', () => {
	it.each([
		['/new?draft=1', '/new?draft=1'],
		['//evil.example', '/cases'],
		['https://evil.example', '/cases'],
		['/\\evil', '/cases'],
		[null, '/cases']
	])('%s → %s', (input, expected) => {
		expect(safeNext(input, '/cases')).toBe(expected);
	});
});

describe('homeFor', () => {
	it.each([
		[{ role: 'coordinator' }, '/admin'],
		[{ role: 'manager', entity_id: 'works' }, '/staff'],
		[{ role: 'agent', entity_id: 'works' }, '/staff'],
		[{ role: 'minister' }, '/dashboard'],
		[{ role: 'citizen' }, '/cases'],
		[{ role: 'kiosk' }, '/kiosk']
	] as const)('%o → %s', (user, path) => {
		expect(homeFor(user)).toBe(path);
	});
});

describe('i18n.setTimeZone', () => {
	// 22:30 UTC on 1 January is already 2 January in Bahrain (UTC+3), still 1 January in New York.
	const day = () => i18n.date('2026-01-01T22:30:00Z', { day: 'numeric', numberingSystem: 'latn' });

	it('shows dates in the zone config names, and keeps the last good one for a name Intl does not know', () => {
		i18n.setTimeZone('Asia/Bahrain');
		expect(day()).toBe('2');
		i18n.setTimeZone('America/New_York');
		expect(day()).toBe('1');
		i18n.setTimeZone('Asia/Nowhere');
		i18n.setTimeZone(null);
		expect(i18n.timeZone).toBe('America/New_York');
		i18n.setTimeZone('Asia/Bahrain');
	});
});

describe('i18n.duration and i18n.relative', () => {
	const MINUTE = 60_000;

	it.each([
		['en', 20 * MINUTE, '20 minutes', '20 minutes ago'],
		['en', 90 * MINUTE, '1 hour', '1 hour ago'],
		['en', 3 * 24 * 60 * MINUTE + 5, '3 days', '3 days ago'],
		['en', 30_000, '0 minutes', 'this minute'],
		// Arabic counts take their own plural forms: a few minutes are دقائق, eleven and more دقيقة.
		['ar', 3 * MINUTE, '٣ دقائق', 'قبل ٣ دقائق'],
		['ar', 20 * MINUTE, '٢٠ دقيقة', 'قبل ٢٠ دقيقة']
	] as const)('says a span in %s in its largest whole unit (%d ms: %s)', (locale, ms, duration, relative) => {
		i18n.setLocale(locale);
		try {
			expect(i18n.duration(ms)).toBe(duration);
			expect(i18n.relative(-ms)).toBe(relative);
		} finally {
			i18n.setLocale('ar');
		}
	});
});

describe('fitWithin', () => {
	it.each([
		[4000, 3000, 1600, 1200],
		[3000, 4000, 1200, 1600],
		[800, 600, 800, 600],
		[1600, 10, 1600, 10]
	])('%i×%i → %i×%i', (w, h, ew, eh) => {
		expect(fitWithin(w, h)).toEqual({ width: ew, height: eh });
	});

	it('renames re-encoded photos to .jpg', () => {
		expect(jpegName('IMG_1.PNG')).toBe('IMG_1.jpg');
		expect(jpegName('')).toBe('photo.jpg');
	});
});

describe('parseLocation', () => {
	it.each([
		[null, null],
		[{ lat: '', lng: ' ' }, null],
		[
			{ lat: '26.2235', lng: '50.5876' },
			{ lat: 26.2235, lng: 50.5876 }
		],
		[
			{ lat: '26,5', lng: '50,1' },
			{ lat: 26.5, lng: 50.1 }
		],
		[
			{ lat: '٢٦٫٥', lng: '٥٠٫١' },
			{ lat: 26.5, lng: 50.1 }
		],
		[{ lat: '91', lng: '50' }, 'invalid'],
		[{ lat: 'abc', lng: '50' }, 'invalid'],
		[{ lat: '26', lng: '' }, 'invalid']
	])('%j → %j', (input, expected) => {
		expect(parseLocation(input)).toEqual(expected);
	});
});
