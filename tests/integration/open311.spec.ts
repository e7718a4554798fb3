/** Issue 14, part 4: Open311 GeoReport v2 on the real server. A partner files a request with a
 * key a coordinator issued; it goes through the gate and the rules engine like the app's submit
 * (routed, referenced, on the clock, in the entity's inbox, rated), and is read back, filtered and
 * paged through the public view. Every JSON answer is validated against the published GeoReport v2
 * JSON Schemas (read from ../shared/data, never copied here), every XML answer parsed by a real
 * XML parser, and each bad input of the issue is replayed for the specification's error list. */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import AjvModule from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { followUp, local, remote, signInStaff, startInProcess, waitFor, type Session } from './harness.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The shared data sits beside the project's checkout (../shared), or beside the folder of its
 * worktrees. */
const SCHEMAS = [path.resolve(ROOT, '../shared/data/open311/jsonschema'), path.resolve(ROOT, '../../shared/data/open311/jsonschema')].find((dir) => fs.existsSync(dir));
if (!SCHEMAS) throw new Error('the Open311 JSON Schemas were not found in ../shared/data/open311/jsonschema');
const schema = (name: string) => JSON.parse(fs.readFileSync(path.join(SCHEMAS, name), 'utf8'));

const Ajv = (AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule;
// Not strict: the published list schemas put `minItems` inside `items`, which strict mode refuses.
const ajv = new Ajv({ strict: false, allErrors: true });
// The schemas' two formats, checked for real rather than ignored.
ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)));
ajv.addFormat('uri', (s: string) => URL.canParse(s));
ajv.addSchema(schema('request.json'), 'request.json');
ajv.addSchema(schema('service.json'), 'service.json');
const VALIDATE = {
	requests: ajv.compile(schema('requests.json')),
	services: ajv.compile(schema('services.json')),
	definition: ajv.compile(schema('service-definition.json')),
	// GeoReport v2, "Errors" (no schema is published for them): a list of { code, description }.
	errors: ajv.compile({
		type: 'array',
		minItems: 1,
		items: { type: 'object', required: ['code', 'description'], properties: { code: { type: 'integer' }, description: { type: 'string', minLength: 1 } } }
	}),
	// GET service_request_id from a token (no schema is published): the token, and the id once there is one.
	tokens: ajv.compile({
		type: 'array',
		minItems: 1,
		items: { type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string' }, service_request_id: { type: 'string' } } }
	}),
	// The updates extension (no schema is published): its fields as clients such as FixMyStreet read them.
	updates: ajv.compile({
		type: 'array',
		items: {
			type: 'object',
			required: ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url'],
			additionalProperties: false,
			properties: {
				update_id: { type: 'string', minLength: 1 },
				service_request_id: { type: 'string' },
				status: { enum: ['open', 'closed'] },
				updated_datetime: { type: 'string', format: 'date-time' },
				description: { type: 'string', minLength: 1 },
				media_url: { type: 'null' }
			}
		}
	}),
	// Service Discovery: "All fields are required."
	discovery: ajv.compile({
		type: 'object',
		required: ['changeset', 'contact', 'key_service', 'endpoints'],
		properties: {
			changeset: { type: 'string' },
			contact: { type: 'string' },
			key_service: { type: 'string' },
			endpoints: {
				type: 'array',
				minItems: 1,
				items: {
					type: 'object',
					required: ['specification', 'url', 'changeset', 'type', 'formats'],
					properties: { url: { type: 'string', format: 'uri' }, type: { enum: ['production', 'test'] }, formats: { type: 'array', items: { type: 'string' } } }
				}
			}
		}
	})
};

/** Lists are lists even with one item, and text stays text (a reference like 26-000001-7). */
const LISTS = new Set(['service', 'request', 'request_update', 'attribute', 'value', 'endpoint', 'format', 'error']);
const xml = new XMLParser({ parseTagValue: false, isArray: (name) => LISTS.has(name) });

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
let coordinator: Session;
let agent: Session;
let apiKey: string;
let keyId: string;

const URL_BASE = () => `${server.base}/open311/v2`;

async function getJson(resource: string, validate: keyof typeof VALIDATE, status = 200) {
	const response = await fetch(`${URL_BASE()}/${resource}`);
	expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
	const body = await response.json();
	const check = VALIDATE[response.status === 200 ? validate : 'errors'];
	expect(check(body), JSON.stringify(check.errors)).toBe(true);
	expect(response.status, JSON.stringify(body)).toBe(status);
	return body;
}

async function getXml(resource: string, status = 200) {
	const response = await fetch(`${URL_BASE()}/${resource}`);
	expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
	const text = await response.text();
	expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
	expect(XMLValidator.validate(text)).toBe(true);
	expect(response.status, text).toBe(status);
	return xml.parse(text);
}

async function post(fields: Record<string, string>, format: 'json' | 'xml' = 'json') {
	const response = await fetch(`${URL_BASE()}/requests.${format}`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
		body: new URLSearchParams(fields).toString()
	});
	const text = await response.text();
	return { status: response.status, text, body: format === 'json' ? JSON.parse(text) : (expect(XMLValidator.validate(text)).toBe(true), xml.parse(text)) };
}

/** A valid request for a pothole in Manama; `fields` change or add to it. */
function pothole(fields: Record<string, string> = {}) {
	return {
		api_key: apiKey,
		service_code: 'works-potholes',
		'attribute[case_type]': 'complaint',
		'attribute[subject]': 'Pothole by the school gate',
		description: 'A deep pothole near the school gate has damaged several cars this week.',
		lat: '26.2235',
		long: '50.5876',
		locale: 'en',
		// Contact details a partner may send; none of it is kept.
		first_name: 'Mariam',
		phone: '+97339998877',
		...fields
	};
}

async function admin(method: string, route: string, session: Session, body?: unknown) {
	const response = await fetch(`${server.base}${route}`, {
		method,
		headers: { 'content-type': 'application/json', cookie: session.cookie },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: response.status, body: await response.json() };
}

/** Files a request and follows its token until the engine has given it a reference. */
async function fileAndRoute(fields: Record<string, string> = {}): Promise<{ token: string; id: string }> {
	const filed = await post(pothole(fields));
	expect(filed.status, filed.text).toBe(200);
	expect(VALIDATE.errors(filed.body)).toBe(false);
	const [{ token, service_notice }] = filed.body;
	expect(service_notice).toMatch(/working days/);
	const id = await waitFor(
		async () => {
			const [entry] = await getJson(`tokens/${token}.json`, 'tokens');
			return entry?.service_request_id as string | undefined;
		},
		20_000,
		`token ${token}`
	);
	return { token, id };
}

async function pullCase(session: Session, db: string, caseKey: string, predicate: (doc: any) => boolean = () => true) {
	const mirror = local('mirror');
	return waitFor(
		async () => {
			await mirror.replicate.from(remote(server.base, db, session));
			const doc = await mirror.get(`case:${caseKey}`).catch(() => undefined);
			return doc && predicate(doc) ? doc : undefined;
		},
		20_000,
		`case ${caseKey} in ${db}`
	);
}

beforeAll(async () => {
	server = await startInProcess({ OPEN311_KEY_REQUESTS_PER_MINUTE: '25' });
	coordinator = await signInStaff(server.base, 'coordinator');
	agent = await signInStaff(server.base, 'agent.works');
	const issued = await admin('POST', '/api/admin/api-keys', coordinator, { name: 'Manama municipal app' });
	expect(issued.status).toBe(201);
	apiKey = issued.body.api_key;
	keyId = issued.body.key.key_id;
}, 120_000);

afterAll(async () => {
	await server?.stop();
});

describe('Open311 discovery and services', () => {
	it('describes the endpoint in JSON and XML', async () => {
		const discovery = await getJson('discovery.json', 'discovery');
		expect(discovery.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', url: `${server.env.publicUrl}/open311/v2`, formats: ['text/xml', 'application/json'] });
		const asXml = await getXml('discovery.xml');
		expect(asXml.discovery.endpoints.endpoint[0].formats.format).toEqual(['text/xml', 'application/json']);
		expect(asXml.discovery.changeset).toBe(discovery.changeset);
	});

	it('lists the categories of the catalogue as services, with their definitions', async () => {
		const services = await getJson('services.json?locale=en', 'services');
		const potholes = services.find((s: { service_code: string }) => s.service_code === 'works-potholes');
		expect(potholes).toMatchObject({ service_name: 'Potholes and road damage', group: 'Ministry of Works', metadata: true, type: 'batch' });
		const arabic = await getJson('services.json', 'services');
		expect(arabic.find((s: { service_code: string }) => s.service_code === 'works-potholes').service_name).toBe('حفر وتلف الطرق');
		const asXml = await getXml('services.xml?locale=en');
		expect(asXml.services.service.map((s: { service_code: string }) => s.service_code)).toEqual(services.map((s: { service_code: string }) => s.service_code));

		// A category taking only complaints and suggestions offers exactly those.
		const definition = await getJson('services/works-potholes.json?locale=en', 'definition');
		expect(definition.service_code).toBe('works-potholes');
		const caseType = definition.attributes.find((a: { code: string }) => a.code === 'case_type');
		expect(caseType.values.map((v: { key: string }) => v.key)).toEqual(['complaint', 'suggestion']);
		expect(caseType.required).toBe(true);
		expect(definition.attributes.find((a: { code: string }) => a.code === 'subject')).toMatchObject({ datatype: 'string', required: true });
		const definitionXml = await getXml('services/works-potholes.xml?locale=en');
		expect(definitionXml.service_definition.attributes.attribute[0].values.value.map((v: { key: string }) => v.key)).toEqual(['complaint', 'suggestion']);

		const missing = await getJson('services/no-such-service.json', 'definition', 404);
		expect(missing[0].code).toBe(404);
		const missingXml = await getXml('services/no-such-service.xml', 404);
		expect(missingXml.errors.error[0].code).toBe('404');
	});
});

describe('Open311 requests', () => {
	it('files a request through the gate and the engine: routed, referenced, on the clock, in the inbox', async () => {
		const { token, id } = await fileAndRoute();
		expect(isValidReference(id)).toBe(true);
		const tokenXml = await getXml(`tokens/${token}.xml`);
		expect(tokenXml.service_requests.request[0]).toEqual({ service_request_id: id, token });

		// The entity's inbox holds it like any case the app submitted.
		const inbox = await pullCase(agent, 'e_works', token);
		expect(inbox).toMatchObject({
			ref: id,
			entity_id: 'works',
			category_id: 'works-potholes',
			case_type: 'complaint',
			status: 'open',
			subject: 'Pothole by the school gate',
			location: { lat: 26.2235, lng: 50.5876 }
		});
		expect(inbox.citizen_id).toBe(`k${keyId}`);
		// Filed by an application, not a person the entity can name (issue 16).
		expect(inbox.citizen_label).toBeUndefined();
		expect(new Date(inbox.sla.due_at).getTime()).toBeGreaterThan(new Date(inbox.sla.started_at).getTime() + 5 * 86_400_000);
		// The partner's contact details went nowhere.
		expect(JSON.stringify(inbox)).not.toMatch(/Mariam|39998877/);

		const [request] = await getJson(`requests/${id}.json?locale=en`, 'requests');
		expect(request).toMatchObject({
			service_request_id: id,
			status: 'open',
			service_code: 'works-potholes',
			service_name: 'Potholes and road damage',
			agency_responsible: 'Ministry of Works',
			requested_datetime: inbox.created_at,
			expected_datetime: inbox.sla.due_at,
			description: null,
			lat: null,
			long: null
		});
		// Public fields only: not the subject, the text, the account or anything the partner sent.
		expect(JSON.stringify(request)).not.toMatch(/school gate|damaged|Mariam|39998877|k[0-9a-f]{16}/);
		const asXml = await getXml(`requests/${id}.xml?locale=en`);
		expect(asXml.service_requests.request[0]).toMatchObject({ service_request_id: id, status: 'open', agency_responsible: 'Ministry of Works', description: '' });

		// The reply closes it for Open311 and invites a rating, as for any citizen.
		const reply = followUp(token, 'reply', { body: 'A crew will repair the pothole on Tuesday.' });
		const outbox = local('outbox');
		await outbox.put(reply);
		await outbox.replicate.to(remote(server.base, 'intake', agent));
		const answered = await waitFor(
			async () => {
				const [row] = await getJson(`requests/${id}.json?locale=en`, 'requests');
				return row.status === 'closed' ? row : undefined;
			},
			20_000,
			'answered request'
		);
		expect(answered.status_notes).toBe('Answered by the entity');
		expect(answered.expected_datetime).toBeNull();
		expect(JSON.stringify(answered)).not.toContain('Tuesday');
		const invite = await waitFor(() => server.store.use<any>('ratings').get(`invite:${reply._id}`), 20_000, 'rating invitation');
		expect(invite.case_key).toBe(token);

		// The key was used, and the list says when; the secret is nowhere in the store's copy.
		const { body } = await admin('GET', '/api/admin/api-keys', coordinator);
		const listed = body.keys.find((k: { key_id: string }) => k.key_id === keyId);
		expect(listed.last_used_at).toBeTruthy();
		expect(JSON.stringify(body)).not.toContain(apiKey.split('.')[1]);
		const stored = await server.store.use<any>('auth').get(`apikey:${keyId}`);
		expect(JSON.stringify(stored)).not.toContain(apiKey.split('.')[1]);
	});

	it('filters by service, status, dates and ids, and pages newest first', async () => {
		// The server's clock is this machine's: everything filed from here on is received after it.
		const start = new Date().toISOString();
		const first = await fileAndRoute();
		const second = await fileAndRoute({ 'attribute[subject]': 'Second pothole on Road 40' });
		const light = await fileAndRoute({ service_code: 'works-street-lights', 'attribute[subject]': 'Street light out' });
		const mine = [first.id, second.id, light.id];

		const potholes = await getJson(`requests.json?service_code=works-potholes&start_date=${start}`, 'requests');
		expect(potholes.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([second.id, first.id]);
		const both = await getJson(`requests.json?service_code=works-potholes,works-street-lights&start_date=${start}&status=open`, 'requests');
		expect(both.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([light.id, second.id, first.id]);
		const closed = await getJson(`requests.json?start_date=${start}&status=closed`, 'requests');
		expect(closed.some((r: { service_request_id: string }) => mine.includes(r.service_request_id))).toBe(false);

		const later = new Date(Date.now() + 3_600_000).toISOString();
		const before = encodeURIComponent(new Date(Date.parse(start) - 1000).toISOString().replace('Z', '+00:00'));
		expect(await getJson(`requests.json?start_date=${later}`, 'requests')).toEqual([]);
		expect(await getJson(`requests.json?end_date=${before}`, 'requests')).not.toEqual(expect.arrayContaining([expect.objectContaining({ service_request_id: first.id })]));

		const page1 = await getJson(`requests.json?start_date=${start}&page_size=2`, 'requests');
		const page2 = await getJson(`requests.json?start_date=${start}&page_size=2&page=2`, 'requests');
		expect([...page1, ...page2].map((r: { service_request_id: string }) => r.service_request_id)).toEqual([light.id, second.id, first.id]);
		const pageXml = await getXml(`requests.xml?start_date=${start}&page_size=2&page=2`);
		expect(pageXml.service_requests.request.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([first.id]);

		// Ids override every other argument and come back in the order asked.
		const byId = await getJson(`requests.json?service_request_id=${light.id},${first.id}&service_code=works-potholes&status=closed`, 'requests');
		expect(byId.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([light.id, first.id]);
	});
});

describe('Open311 request updates (the servicerequestupdates extension)', () => {
	const updates = async (query: string) => {
		const body = await getJson(`servicerequestupdates.json?${query}`, 'updates');
		return body as { update_id: string; service_request_id: string; status: string; updated_datetime: string; description: string }[];
	};
	const send = async (action: Record<string, unknown>) => {
		const outbox = local('outbox-updates');
		await outbox.put(action);
		await outbox.replicate.to(remote(server.base, 'intake', agent));
	};

	it('lists each public step of a request, oldest first, with fixed notes and nothing of the replies', async () => {
		const start = new Date().toISOString();
		const partner = await admin('POST', '/api/admin/api-keys', coordinator, { name: 'Updates partner' });
		const { id, token } = await fileAndRoute({ api_key: partner.body.api_key });
		await send(followUp(token, 'reply', { body: 'We are sending an inspector this week.', interim: true }));
		await send(followUp(token, 'note', { body: 'Internal: the contractor is Gulf Roads.' }));
		await send(followUp(token, 'request_info', { body: 'Which side of the gate is it?' }));
		await send(followUp(token, 'reply', { body: 'Repaired on Tuesday by the crew.' }));

		const steps = await waitFor(
			async () => {
				const rows = await updates(`service_request_id=${id}&locale=en`);
				return rows.length === 4 ? rows : undefined;
			},
			20_000,
			'four public steps'
		);
		expect(steps.map((s) => [s.status, s.description])).toEqual([
			['open', 'Received'],
			['open', 'The entity sent an interim reply while it works on the request'],
			['open', 'The entity asked the person who reported it for more information'],
			['closed', 'Answered by the entity']
		]);
		expect(new Set(steps.map((s) => s.update_id)).size).toBe(4);
		expect(steps.map((s) => s.updated_datetime)).toEqual([...steps.map((s) => s.updated_datetime)].sort());
		const text = JSON.stringify(steps);
		for (const secret of ['inspector', 'Gulf Roads', 'gate', 'Tuesday', 'Pothole']) expect(text).not.toContain(secret);

		// Arabic by default, and the same steps in XML.
		const arabic = await updates(`service_request_id=${id}`);
		expect(arabic[3].description).toBe('ردّت الجهة');
		const asXml = await getXml(`servicerequestupdates.xml?service_request_id=${id}&locale=en`);
		expect(asXml.service_request_updates.request_update.map((u: { update_id: string }) => u.update_id)).toEqual(steps.map((s) => s.update_id));

		// A window of time across every request, paged; a window after the steps holds none of them.
		const all = await updates(`start_date=${start}&locale=en`);
		const ours = all.filter((u) => u.service_request_id === id);
		expect(ours.map((u) => u.update_id)).toEqual(steps.map((s) => s.update_id));
		const page1 = await updates(`start_date=${start}&page_size=2`);
		const page2 = await updates(`start_date=${start}&page_size=2&page=2`);
		expect([...page1, ...page2].map((u) => u.update_id)).toEqual(all.slice(0, 4).map((u) => u.update_id));
		const later = encodeURIComponent(new Date(Date.now() + 60_000).toISOString().replace('Z', '+00:00'));
		expect(await updates(`start_date=${later}`)).toEqual([]);
	});

	it("refuses bad reads in the specification's shape", async () => {
		const cases: [string, RegExp][] = [
			['servicerequestupdates.json?start_date=yesterday', /start_date must be a w3 datetime/],
			['servicerequestupdates.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z', /more than 90 days/],
			['servicerequestupdates.json?page_size=1000000', /page_size must be a whole number/],
			['servicerequestupdates.json?service_request_id=%3Cscript%3E', /one reference number/],
			['servicerequestupdates.json?service_request_id=1&service_request_id=2', /more than once/]
		];
		for (const [resource, pattern] of cases) {
			const body = await getJson(resource, 'errors', 400);
			expect(body.map((e: { description: string }) => e.description).join(' | '), resource).toMatch(pattern);
		}
		expect((await getXml('servicerequestupdates.xml?page=0', 400)).errors.error[0].description).toMatch(/page must be/);
	});
});

describe("Open311 refusals, in the specification's shape", () => {
	async function refusedPost(fields: Record<string, string>, status: number, pattern: RegExp) {
		const asJson = await post(fields);
		expect(asJson.status, asJson.text).toBe(status);
		expect(VALIDATE.errors(asJson.body), asJson.text).toBe(true);
		expect(asJson.body.map((e: { description: string }) => e.description).join(' | ')).toMatch(pattern);
		return asJson.body;
	}

	it('refuses bad requests and files nothing of them', async () => {
		const countBefore = (await getJson('requests.json?page_size=1000', 'requests')).length;

		await refusedPost(pothole({ service_code: 'no-such-service' }), 404, /service_code no-such-service was not found/);
		await refusedPost(pothole({ 'attribute[subject]': '' }), 400, /attribute\[subject\] is required/);
		// A category taking several types needs the type.
		await refusedPost(pothole({ service_code: 'works-sewerage', 'attribute[case_type]': '' }), 400, /attribute\[case_type\] is required/);
		await refusedPost(pothole({ 'attribute[case_type]': 'inquiry' }), 400, /case_type\] must be one of complaint, suggestion/);
		await refusedPost(pothole({ lat: '48.8566', long: '2.3522' }), 400, /outside the country/);
		await refusedPost(pothole({ long: '' }), 400, /lat and long must be sent together/);
		await refusedPost(pothole({ description: '<?xml version="1.0"?><request><x>1</x></request>' }), 400, /description may not contain HTML or code/);
		await refusedPost(pothole({ description: 'short' }), 400, /too short.*description/);
		// Several problems at once are listed together.
		const many = await refusedPost(pothole({ 'attribute[subject]': '', lat: '0', long: '0' }), 400, /subject/);
		expect(many.length).toBe(2);
		const asXml = await post(pothole({ service_code: 'no-such-service' }), 'xml');
		expect(asXml.status).toBe(404);
		expect(asXml.body.errors.error[0]).toEqual({ code: '404', description: 'service_code no-such-service was not found' });

		// Refused before anything else: no key, a key that never was, a revoked key.
		await refusedPost(pothole({ api_key: '' }), 403, /api_key was not provided/);
		await refusedPost(pothole({ api_key: `${keyId}.${'A'.repeat(43)}` }), 403, /Invalid api_key/);
		await refusedPost(pothole({ api_key: 'not-a-key' }), 403, /Invalid api_key/);
		const spare = await admin('POST', '/api/admin/api-keys', coordinator, { name: 'Retired partner' });
		const revoked = await admin('POST', `/api/admin/api-keys/${spare.body.key.key_id}/revoke`, coordinator);
		expect(revoked.body.key.revoked_at).toBeTruthy();
		expect(revoked.body.key.revoked_by).toBe(coordinator.user.user_id);
		await refusedPost(pothole({ api_key: spare.body.api_key, service_code: 'no-such-service' }), 403, /revoked/);

		expect((await getJson('requests.json?page_size=1000', 'requests')).length).toBe(countBefore);
	});

	it('refuses bad reads: dates, spans, statuses, page sizes, unknown ids and tokens', async () => {
		const cases: [string, number, RegExp][] = [
			['requests.json?start_date=yesterday', 400, /start_date must be a w3 datetime/],
			['requests.json?end_date=2026-02-30T00:00:00Z', 400, /end_date must be a w3 datetime/],
			['requests.json?start_date=2026-01-01T00:00:00', 400, /start_date must be a w3 datetime/],
			['requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z', 400, /more than 90 days/],
			['requests.json?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z', 400, /after end_date/],
			['requests.json?status=pending', 400, /status must be open or closed/],
			['requests.json?page_size=1000000', 400, /page_size must be a whole number from 1 to 1000/],
			['requests.json?page_size=0', 400, /page_size/],
			['requests.json?page=1000&page_size=1000', 400, /narrow start_date/],
			['requests.json?service_code=no-such-service', 404, /no-such-service was not found/],
			['requests/26-999999999-0.json', 404, /not found/],
			[`tokens/${randomUUID()}.json`, 404, /not found/],
			['tokens/not-a-token.json', 404, /not found/],
			['requests.csv', 404, /format csv/],
			['nothing-here.json', 404, /No such resource/]
		];
		for (const [resource, status, pattern] of cases) {
			const body = await getJson(resource, 'errors', status);
			expect(body.map((e: { description: string }) => e.description).join(' | '), resource).toMatch(pattern);
			expect(body[0].code).toBe(status);
		}
		const asXml = await getXml('requests.xml?page_size=1000000', 400);
		expect(asXml.errors.error[0].description).toMatch(/page_size/);
	});

	it('holds a key to its rate with 429 in the same shape', async () => {
		const busy = await admin('POST', '/api/admin/api-keys', coordinator, { name: 'Busy partner' });
		const statuses: number[] = [];
		// The refused requests count too: the limit is on the key, not on what it sends.
		for (let i = 0; i < 26; i++) statuses.push((await post(pothole({ api_key: busy.body.api_key, service_code: 'no-such-service' }))).status);
		expect(statuses.slice(0, 25).every((s) => s === 404)).toBe(true);
		expect(statuses[25]).toBe(429);
		const limited = await post(pothole({ api_key: busy.body.api_key }));
		expect(limited.status).toBe(429);
		expect(VALIDATE.errors(limited.body)).toBe(true);
		expect(limited.body[0]).toMatchObject({ code: 429 });
		// Other keys are not held back by it.
		expect((await post(pothole({ service_code: 'no-such-service' }))).status).toBe(404);
	});

	it('lets only coordinators manage keys', async () => {
		expect((await admin('GET', '/api/admin/api-keys', agent)).status).toBe(403);
		expect((await admin('POST', '/api/admin/api-keys', agent, { name: 'Sneaky' })).status).toBe(403);
		expect((await admin('POST', `/api/admin/api-keys/${keyId}/revoke`, agent)).status).toBe(403);
		expect((await admin('POST', '/api/admin/api-keys', coordinator, { name: 'x', extra: true })).status).toBe(400);
		expect((await admin('POST', '/api/admin/api-keys/0000000000000000/revoke', coordinator)).status).toBe(404);
		const { body } = await admin('GET', '/api/audit?limit=200', coordinator);
		expect(body.entries.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['admin.api_key.create', 'admin.api_key.revoke']));
	});
});
