import { describe, it, expect } from 'vitest';
import { ACTION_SCHEMAS, parseAction } from './action-schema';
import { attachmentNamesFor, isSafeAttachmentName } from './attachment-names';
import { ACTION_KINDS, type ActionKind } from './doc-types';
import { LIMITS } from './limits';
import { cleanUserText } from './user-text';
import { validateAction } from './validation';

const BASE = {
	_id: 'act:6f1c2a90-0000-4000-8000-000000000001',
	type: 'action',
	case_key: '6f1c2a90-0000-4000-8000-0000000000aa',
	client_time: '2026-03-19T09:00:00.000Z',
	device_id: '3b1c2a90-0000-4000-8000-000000000009'
};

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).toString('base64');

const VALID: Record<ActionKind, Record<string, unknown>> = {
	submit: {
		case_type: 'complaint',
		entity_id: 'works',
		category_id: 'street-lights',
		subject: 'إنارة معطلة',
		body: 'عمود الإنارة أمام المنزل ١٢ لا يعمل منذ أسبوع.',
		location: { lat: 26.2285, lng: 50.586 },
		locale: 'ar',
		_attachments: { 'photo-1.jpg': { content_type: 'image/jpeg', data: JPEG, digest: 'md5-YsRnIsx8SSuQ8ZXXKcKiTw==', revpos: 1 } }
	},
	provide_info: { body: 'Block 338' },
	reply: { body: 'Fixed.' },
	request_info: { body: 'Which road?' },
	note: { body: 'x' },
	close: {},
	transfer: { to_entity_id: 'electricity', reason: 'EWA maintains lights' },
	reopen: { reason: 'The light is still out.' },
	rate: { reply_action_id: 'act:reply-1', scores: { handling: 2, clarity: 3, courtesy: 4, ease_of_use: 5 }, body: 'Slow.' },
	suggestion_status: { suggestion_state: 'under_study' },
	link: { primary_key: '6f1c2a90-0000-4000-8000-0000000000bb' },
	unlink: {},
	duplicate_added: { duplicate_key: '6f1c2a90-0000-4000-8000-0000000000bb' },
	duplicate_removed: { duplicate_key: '6f1c2a90-0000-4000-8000-0000000000bb' },
	follow: { locale: 'en' },
	publish_photo: { attachment_id: 'att:act:6f1c2a90-0000-4000-8000-0000000000cc:photo-1.jpg' },
	withdraw_photo: {}
};

const action = (kind: ActionKind, extra: Record<string, unknown> = {}) => ({ ...BASE, kind, ...VALID[kind], ...extra });
const codes = (raw: unknown) => {
	const parsed = parseAction(raw);
	return parsed.ok ? [] : parsed.errors.map((e) => `${e.field}:${e.code}`);
};

describe('the action schema', () => {
	it('has one schema per kind', () => {
		expect(Object.keys(ACTION_SCHEMAS).sort()).toEqual([...ACTION_KINDS].sort());
	});

	it.each(ACTION_KINDS)('accepts a well-formed %s, as the app makes it, and as validateAction does', (kind) => {
		expect(codes(action(kind))).toEqual([]);
		expect(validateAction(action(kind) as never)).toEqual([]);
	});

	it.each(ACTION_KINDS)('refuses a field a %s does not have', (kind) => {
		expect(codes(action(kind, { colour: 'red' }))).toEqual(['colour:unknown_field']);
		expect(codes(action(kind, { received_at: '2026-03-19T09:00:00.000Z' }))).toEqual(['received_at:unknown_field']);
	});

	it.each<[string, Record<string, unknown>, string[]]>([
		['a location with an extra field (finding 7)', action('submit', { location: { lat: 1, lng: 2, pad: 'x'.repeat(1000) } }), ['location.pad:unknown_field']],
		['a location without lng', action('submit', { location: { lat: 1 } }), ['location.lng:required']],
		['a location as text', action('submit', { location: { lat: '26', lng: '50' } }), ['location.lat:invalid_location', 'location.lng:invalid_location']],
		['a location that is not a number', action('submit', { location: { lat: Number.NaN, lng: 0 } }), ['location.lat:invalid_location']],
		['a location beyond the pole', action('submit', { location: { lat: 90.5, lng: 0 } }), ['location.lat:invalid_location']],
		['a location as an array', action('submit', { location: [26, 50] }), ['location:invalid_location']],
		['no location', action('submit', { location: null }), []],
		["a photo's time with its offset (issue 15)", action('submit', { observed_at: '2026-12-06T09:30:00+03:00' }), []],
		['a time without its zone', action('submit', { observed_at: '2026-12-06T09:30:00' }), ['observed_at:invalid_format']],
		['a time that is no date', action('submit', { observed_at: '2026-13-45T99:30:00Z' }), ['observed_at:invalid_format']],
		['a time as a number', action('submit', { observed_at: 1765000000000 }), ['observed_at:invalid_format']],
		['the routing table choosing the entity', action('submit', { entity_id: '' }), []],
		['a subject of 151 characters', action('submit', { subject: 'a'.repeat(151) }), ['subject:too_long']],
		['a subject of 150 emoji', action('submit', { subject: '😀'.repeat(150) }), []],
		['a megabyte of body', action('reply', { body: 'x'.repeat(1024 * 1024) }), ['body:too_long']],
		['a body of 5,000 characters', action('reply', { body: 'x'.repeat(LIMITS.BODY_MAX) }), []],
		['a body made of bidi controls only', action('reply', { body: '\u202E\u2066\u200F' }), ['body:required']],
		['a body that is an object', action('note', { body: { text: 'x' } }), ['body:invalid_format']],
		['a body that is deeply nested', action('note', { body: JSON.parse('['.repeat(500) + ']'.repeat(500)) }), ['body:invalid_format']],
		['a reply without body', action('reply', { body: undefined }), ['body:required']],
		['an interim reply', action('reply', { interim: true }), []],
		['a reply marked interim false', action('reply', { interim: false }), ['interim:invalid_format']],
		['an interim note', action('note', { interim: true }), ['interim:unknown_field']],
		['a transfer reason of 1,001 characters', action('transfer', { reason: 'r'.repeat(1001) }), ['reason:too_long']],
		['a transfer to an entity id of the wrong shape', action('transfer', { to_entity_id: '../admin' }), ['to_entity_id:invalid_format']],
		['a suggestion moved back to new', action('suggestion_status', { suggestion_state: 'new' }), ['suggestion_state:invalid_format']],
		// Issue 14: the step's details have a shape; what each state needs is suggestion.ts's.
		['a target date in the 13th month', action('suggestion_status', { suggestion_state: 'accepted', target_date: '2027-13-01' }), ['target_date:invalid_date']],
		['a target date of a megabyte', action('suggestion_status', { suggestion_state: 'accepted', target_date: '2'.repeat(1_000_000) }), ['target_date:invalid_date']],
		['a javascript: link', action('suggestion_status', { suggestion_state: 'implemented', link: 'javascript:alert(1)' }), ['link:invalid_format']],
		['consent as a word', action('submit', { name_consent: 'yes' }), ['name_consent:invalid_format']],
		['consent given', action('submit', { name_consent: true }), []],
		['an unknown case type', action('submit', { case_type: 'praise' }), ['case_type:invalid_case_type']],
		['a case key that is not a uuid', action('note', { case_key: 'x' }), ['case_key:invalid_format']],
		['a client time that is not a time', action('note', { client_time: 'yesterday' }), ['client_time:invalid_format']],
		['a device id with a newline', action('note', { device_id: 'a\nb' }), ['device_id:invalid_format']],
		['an author of another shape', action('note', { author: { user_id: 'u1', role: 'agent', admin: true } }), ['author.admin:unknown_field']],
		['a history of two revisions', action('note', { _rev: '1-abc', _revisions: { start: 1, ids: ['abc', 'def'] } }), ['_revisions.ids.1:invalid_format']],
		['a rating score of 6', action('rate', { scores: { handling: 6, clarity: 3, courtesy: 4, ease_of_use: 5 } }), ['scores.handling:invalid_format']],
		['files on a note', action('note', { _attachments: VALID.submit._attachments }), ['_attachments:unknown_field']]
	])('%s', (_, raw, expected) => {
		expect(codes(raw)).toEqual(expected);
	});

	it('refuses what is not an action object', () => {
		for (const raw of [null, 42, 'act', [], { kind: 'approve' }, { kind: ['submit'] }]) expect(parseAction(raw).ok).toBe(false);
	});

	it('removes bidi and control characters from text, keeps the rest as sent', () => {
		const parsed = parseAction(action('submit', { subject: 'Invoice \u202Egpj.exe', body: 'Line one\r\nline two\u0000\u2067 done' }));
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(parsed.action.subject).toBe('Invoice gpj.exe');
		expect(parsed.action.body).toBe('Line one\r\nline two done');
		expect(parsed.action.location).toEqual({ lat: 26.2285, lng: 50.586 });
	});

	it('counts a length after removing the controls, as the form does', () => {
		const padded = '\u200F'.repeat(10) + 'ab';
		expect(codes(action('submit', { subject: padded }))).toEqual(['subject:too_short']);
		expect(validateAction(action('submit', { subject: padded }) as never).map((e) => e.code)).toEqual(['too_short']);
	});
});

describe('files', () => {
	const withFiles = (files: Record<string, unknown>) => action('reply', { _attachments: files });
	const jpeg = (data = JPEG) => ({ content_type: 'image/jpeg', data });

	it.each([
		['../../etc/passwd.jpg'],
		['photo/1.jpg'],
		['photo-1.jpg\u0000'],
		['photo\u202Egpj.pdf'],
		['صورة.jpg'],
		['.jpg'],
		['photo-1.pdf'],
		['photo-1.jpg.exe'],
		['_design.jpg'],
		['x'.repeat(61) + '.jpg']
	])('refuses the file name %j', (name) => {
		expect(codes(withFiles({ [name]: jpeg() }))).toEqual(['_attachments:invalid_file_name']);
	});

	it('accepts the names the app makes, and names the app made before', () => {
		for (const name of ['photo-1.jpg', 'IMG_2041.jpg', 'photo.jpg']) expect(codes(withFiles({ [name]: jpeg() }))).toEqual([]);
	});

	it('refuses a stub, a type off the list, data that is not base64, too many files', () => {
		expect(codes(withFiles({ 'photo-1.jpg': { content_type: 'image/jpeg', stub: true, digest: 'md5-x', length: 68 } }))).toContain('_attachments.photo-1.jpg.stub:unknown_field');
		expect(codes(withFiles({ 'page-1.html': { content_type: 'text/html', data: JPEG } }))).toEqual(['_attachments.page-1.html.content_type:unsupported_file_type']);
		expect(codes(withFiles({ 'photo-1.jpg': jpeg('not base64!') }))).toEqual(['_attachments.photo-1.jpg.data:invalid_format']);
		const six = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`photo-${i + 1}.jpg`, jpeg()]));
		expect(codes(withFiles(six))).toEqual(['_attachments:too_many_files']);
	});

	it('refuses a file over the per-file limit and files over the per-action limit', () => {
		const base64Of = (bytes: number) => 'A'.repeat(Math.ceil(bytes / 3) * 4);
		expect(codes(withFiles({ 'document-1.pdf': { content_type: 'application/pdf', data: base64Of(LIMITS.FILE_BYTES_MAX + 3) } }))).toEqual(['_attachments:file_too_large']);
		const three = Object.fromEntries([1, 2, 3].map((n) => [`document-${n}.pdf`, { content_type: 'application/pdf', data: base64Of(LIMITS.FILE_BYTES_MAX - 3) }]));
		expect(codes(withFiles(three))).toEqual(['_attachments:payload_too_large']);
	});

	it('accepts a Blob in the app before it is sent', () => {
		const blob = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
		expect(codes(withFiles({ 'photo-1.jpg': { content_type: 'image/jpeg', data: blob } }))).toEqual([]);
	});

	it('names files by what they are, whatever they were called', () => {
		expect(attachmentNamesFor(['image/jpeg', 'application/pdf', 'image/png', 'image/jpeg'])).toEqual(['photo-1.jpg', 'document-1.pdf', 'photo-2.png', 'photo-3.jpg']);
		for (const [name, type] of [
			['photo-2.png', 'image/png'],
			['document-1.pdf', 'application/pdf'],
			['photo-1.webp', 'image/webp']
		])
			expect(isSafeAttachmentName(name, type)).toBe(true);
	});
});

describe('cleanUserText', () => {
	it('removes every bidi control and invisible control, keeps joiners, line breaks and tabs', () => {
		const controls = '\u061C\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u0000\u0007\u001B\u007F\u0085';
		expect(cleanUserText(`a${controls}b`)).toBe('ab');
		expect(cleanUserText('a\tb\nc\r\nd 👨\u200D👩')).toBe('a\tb\nc\r\nd 👨\u200D👩');
	});

	it('replaces a lone surrogate', () => {
		expect(cleanUserText('a\uD800b\uDC00c😀')).toBe('a\uFFFDb\uFFFDc😀');
	});
});
