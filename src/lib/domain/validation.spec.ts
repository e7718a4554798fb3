import { describe, it, expect } from 'vitest';
import type { ActionDoc, ActionKind, AttachmentStub } from './doc-types';
import { LIMITS, validateAction, validateDraftFields, type DraftFields } from './validation';

const MB = 1024 * 1024;

const BASE = {
	_id: 'act:6f1c2a90-0000-4000-8000-000000000001',
	type: 'action',
	case_key: '6f1c2a90-0000-4000-8000-0000000000aa',
	client_time: '2026-03-19T09:00:00.000Z',
	device_id: 'dev-1'
} as const;

const VALID_FIELDS: Record<ActionKind, Partial<ActionDoc>> = {
	submit: {
		case_type: 'complaint',
		entity_id: 'works',
		category_id: 'street-lights',
		subject: 'إنارة معطلة',
		body: 'عمود الإنارة أمام المنزل ١٢ لا يعمل منذ أسبوع.',
		location: { lat: 26.2285, lng: 50.586 },
		locale: 'ar'
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

function action(kind: ActionKind, extra: Partial<ActionDoc> = {}): ActionDoc {
	return { ...BASE, kind, ...VALID_FIELDS[kind], ...extra };
}

const jpeg = (length: number): AttachmentStub => ({ content_type: 'image/jpeg', length });
const codes = (a: ActionDoc) => validateAction(a).map((e) => `${e.field}:${e.code}`);

describe('validateAction', () => {
	it.each(Object.keys(VALID_FIELDS) as ActionKind[])('accepts a well-formed %s', (kind) => {
		expect(validateAction(action(kind))).toEqual([]);
	});

	it.each<[string, ActionDoc, string[]]>([
		['a subject of two characters', action('submit', { subject: ' ab ' }), ['subject:too_short']],
		['a subject of three Arabic letters', action('submit', { subject: 'شكر' }), []],
		['a subject of 151 characters', action('submit', { subject: 'a'.repeat(151) }), ['subject:too_long']],
		['a missing subject', action('submit', { subject: undefined }), ['subject:required']],
		['a blank subject', action('submit', { subject: '   ' }), ['subject:required']],
		['a submit body of 9 characters', action('submit', { body: '123456789' }), ['body:too_short']],
		['a body of 5001 characters', action('reply', { body: 'x'.repeat(5001) }), ['body:too_long']],
		['5000 emoji count as 5000 characters', action('reply', { body: '😀'.repeat(5000) }), []],
		['a reply without body', action('reply', { body: '' }), ['body:required']],
		['a note without body', action('note', { body: undefined }), ['body:required']],
		['a close with a long body', action('close', { body: 'x'.repeat(5001) }), ['body:too_long']],
		['a body that is not text', action('request_info', { body: 42 as unknown as string }), ['body:invalid_format']],
		['an unknown case type', action('submit', { case_type: 'praise' as never }), ['case_type:invalid_case_type']],
		['no case type', action('submit', { case_type: undefined }), ['case_type:required']],
		['no category', action('submit', { category_id: undefined }), ['category_id:required']],
		['no entity (the routing table decides)', action('submit', { entity_id: undefined }), []],
		['an entity id of the wrong shape', action('submit', { entity_id: 'Works Ministry' }), ['entity_id:invalid_format']],
		['an id that is a number', action('submit', { category_id: 7 as unknown as string }), ['category_id:invalid_format']],
		['a locale we do not speak', action('submit', { locale: 'fr' as never }), ['locale:invalid_format']],
		['latitude beyond the pole', action('submit', { location: { lat: 90.1, lng: 0 } }), ['location:invalid_location']],
		['longitude beyond the date line', action('submit', { location: { lat: 0, lng: -180.5 } }), ['location:invalid_location']],
		['a location given as text', action('submit', { location: { lat: '26.2', lng: '50.5' } as never }), ['location:invalid_location']],
		['the poles and the date line', action('submit', { location: { lat: -90, lng: 180 } }), []],
		['no location', action('submit', { location: null }), []],
		['a transfer without target', action('transfer', { to_entity_id: undefined }), ['to_entity_id:required']],
		['a transfer reason of two characters', action('transfer', { reason: 'no' }), ['reason:too_short']],
		['a transfer reason of 1001 characters', action('transfer', { reason: 'r'.repeat(1001) }), ['reason:too_long']],
		['an _id that is not an action id', action('note', { _id: 'case:1' }), ['_id:invalid_format']],
		['a case key that is not text', action('note', { case_key: 12 as unknown as string }), ['case_key:invalid_format']],
		['no device id', action('note', { device_id: '' }), ['device_id:required']],
		['a client time that is not a time', action('note', { client_time: 'yesterday' }), ['client_time:invalid_format']],
		['another document type', action('note', { type: 'case' as never }), ['type:invalid_format']],
		['an unknown kind', action('note', { kind: 'appeal' as never }), ['kind:invalid_format']],
		['a reopening with its reason', action('reopen', { reason: 'The pothole is still there.' }), []],
		['a reopening without a reason', action('reopen', { reason: undefined }), ['reason:required']],
		['a reopening reason of two characters', action('reopen', { reason: 'no' }), ['reason:too_short']],
		['a rating', action('rate', { reply_action_id: 'act:r1', scores: { handling: 1, clarity: 2, courtesy: 3, ease_of_use: 4 } }), []],
		[
			'a rating of six with a long comment',
			action('rate', { reply_action_id: 'act:r1', scores: { handling: 6, clarity: 2, courtesy: 3, ease_of_use: 4 }, body: 'x'.repeat(2001) }),
			['scores.handling:invalid_format', 'body:too_long']
		],
		['a rating of no reply', action('rate', { reply_action_id: undefined, scores: { handling: 1, clarity: 2, courtesy: 3, ease_of_use: 4 } }), ['reply_action_id:required']]
	])('%s', (_name, act, expected) => {
		expect(codes(act)).toEqual(expected);
	});

	it('reports the limit that was exceeded, for the message', () => {
		expect(validateAction(action('submit', { subject: 'ab' }))).toEqual([{ field: 'subject', code: 'too_short', params: { min: LIMITS.SUBJECT_MIN } }]);
	});
});

describe('attachments', () => {
	const files = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}.jpg`, jpeg(1000)]));

	it.each<[string, ActionDoc, string[]]>([
		['five photos', action('submit', { _attachments: files(5) }), []],
		['six photos', action('submit', { _attachments: files(6) }), ['_attachments:too_many_files']],
		['exactly 10 MB', action('reply', { _attachments: { 'a.pdf': { content_type: 'application/pdf', length: 10 * MB } } }), []],
		['one byte over 10 MB', action('reply', { _attachments: { 'a.pdf': { content_type: 'application/pdf', length: 10 * MB + 1 } } }), ['_attachments.a.pdf:file_too_large']],
		['a Blob over 10 MB', action('provide_info', { _attachments: { 'b.png': { content_type: 'image/png', data: new Blob([new Uint8Array(10 * MB + 1)]) } } }), ['_attachments.b.png:file_too_large']],
		['base64 data of 3 bytes', action('submit', { _attachments: { 'c.webp': { content_type: 'image/webp', data: 'AAAA' } } }), []],
		['an SVG', action('submit', { _attachments: { 'x.svg': { content_type: 'image/svg+xml', length: 10 } } }), ['_attachments.x.svg:unsupported_file_type']],
		['a file on a note', action('note', { _attachments: files(1) }), ['_attachments:not_allowed']],
		['a file on a transfer', action('transfer', { _attachments: files(1) }), ['_attachments:not_allowed']]
	])('%s', (_name, act, expected) => {
		expect(codes(act)).toEqual(expected);
	});

	it('measures inline base64 data by its decoded size', () => {
		// 10 MB + 3 bytes of base64: 4 characters per 3 bytes
		const data = 'A'.repeat(((10 * MB + 3) / 3) * 4);
		const act = action('submit', { _attachments: { 'big.jpg': { content_type: 'image/jpeg', data } } });
		expect(codes(act)).toEqual(['_attachments.big.jpg:file_too_large']);
	});
});

describe('validateDraftFields', () => {
	it.each<[string, DraftFields, string[]]>([
		['an empty form', {}, ['case_type:required', 'category_id:required', 'subject:required', 'body:required']],
		['a complete form', { case_type: 'suggestion', category_id: 'parks', subject: 'More shade', body: 'Plant trees along the corniche walk.' }, []],
		['a short body', { case_type: 'inquiry', category_id: 'visas', subject: 'Visa', body: 'When?' }, ['body:too_short']]
	])('%s', (_name, fields, expected) => {
		expect(validateDraftFields(fields).map((e) => `${e.field}:${e.code}`)).toEqual(expected);
	});
});

describe('suggestion status', () => {
	it.each([
		[{}, ['suggestion_state:required']],
		[{ suggestion_state: 'new' }, ['suggestion_state:invalid_format']],
		[{ suggestion_state: 'done' }, ['suggestion_state:invalid_format']],
		[{ suggestion_state: 'implemented', body: 'Shade was installed at 40 bus stops in March.', implemented_on: '2026-03-01' }, []],
		[{ suggestion_state: 'implemented', body: 'Shade was installed at 40 bus stops in March.' }, ['implemented_on:required']],
		[{ suggestion_state: 'declined', reason: 'Not within our remit.', body: 'x'.repeat(5001) }, ['body:too_long']],
		[{ suggestion_state: 'declined' }, ['reason:required']]
	])('%j → %j', (fields, expected) => {
		const doc = { ...BASE, kind: 'suggestion_status' as const, ...fields } as ActionDoc;
		expect(codes(doc)).toEqual(expected);
	});
});
