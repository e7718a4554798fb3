/** The coordinator's administration API on the real server: changes take effect without a
 * restart, everyone else is refused, input is checked, and every change is audited. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCalendar } from '../../src/lib/domain/calendar.js';
import type { HolidaysDoc, SettingsDoc } from '../../src/lib/domain/doc-types.js';
import { startSla } from '../../src/lib/domain/sla.js';
import { createStaff } from '../../sync-server/src/auth/accounts.js';
import { createSessionService } from '../../sync-server/src/auth/sessions.js';
import { local, remote, signInCitizen, signInStaff, startInProcess, submitAction, waitFor, type Session } from './harness.js';

type Server = Awaited<ReturnType<typeof startInProcess>>;
let server: Server;
let coordinator: Session;
let citizen: Session;
let others: [string, Session | null, number][];

async function api(method: string, path: string, session: Session | null, json?: unknown) {
	const headers: Record<string, string> = {};
	if (session) headers.cookie = session.cookie;
	if (json !== undefined) headers['content-type'] = 'application/json';
	const response = await fetch(server.base + path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Submits a case as the citizen's device does and waits for its projection. */
async function submitCase(fields: Record<string, unknown> = {}) {
	const action = submitAction(fields);
	const outbox = local('outbox');
	await outbox.put(action);
	await outbox.replicate.to(remote(server.base, 'intake', citizen));
	const own = citizen.user.databases.pull.find((db) => db.startsWith('u_'))!;
	const mirror = local('mirror');
	return waitFor(
		async () => {
			await mirror.replicate.from(remote(server.base, own, citizen));
			return (await mirror.get(`case:${action.case_key}`).catch(() => undefined)) as any;
		},
		20_000,
		'submitted case'
	);
}

async function auditKinds(): Promise<string[]> {
	const { body } = await api('GET', '/api/audit?limit=200', coordinator);
	return body.entries.map((e: { kind: string }) => e.kind);
}

beforeAll(async () => {
	server = await startInProcess();
	coordinator = await signInStaff(server.base, 'coordinator');
	citizen = await signInCitizen(server.base, '+97336000333');
	others = [
		['anonymous', null, 401],
		['citizen', citizen, 403],
		['agent', await signInStaff(server.base, 'agent.works'), 403],
		['manager', await signInStaff(server.base, 'manager.works'), 403],
		['minister', await signInStaff(server.base, 'minister'), 403]
	];
}, 120_000);

afterAll(async () => {
	await server?.stop();
});

describe('the unified response period', () => {
	it('applies a new period to the next submission without a restart', async () => {
		const before = await submitCase();
		const changed = await api('PUT', '/api/admin/settings', coordinator, { response_days: 20 });
		expect(changed.status).toBe(200);
		expect(changed.body.settings).toMatchObject({ response_days: 20, time_zone: 'Asia/Bahrain', weekend: [5, 6] });
		const after = await submitCase();

		const config = server.store.use<any>('config');
		const settings = (await config.get('settings')) as SettingsDoc;
		const holidays = (await config.list({ startkey: 'holidays:', endkey: 'holidays:\ufff0', include_docs: true })).rows.map((r) => r.doc as HolidaysDoc);
		const calendar = makeCalendar(settings, holidays);
		const due = (c: any, days: number) => startSla(new Date(c.sla.started_at), days, calendar).due_at;
		expect(before.sla.due_at).toBe(due(before, 5));
		expect(after.sla.due_at).toBe(due(after, 20));
		expect(Date.parse(after.sla.due_at) - Date.parse(before.sla.due_at)).toBeGreaterThan(14 * 86_400_000);
		expect(await auditKinds()).toContain('admin.settings.update');
	});

	it.each([
		[{ response_days: 0 }, 'response_days', 'out_of_range'],
		[{ response_days: 61 }, 'response_days', 'out_of_range'],
		[{ response_days: 2.5 }, 'response_days', 'invalid_format'],
		[{ time_zone: 'Mars/Olympus_Mons' }, 'time_zone', 'invalid_time_zone'],
		[{ time_zone: '../etc/passwd' }, 'time_zone', 'invalid_time_zone'],
		[{ weekend: [7] }, 'weekend', 'invalid_format'],
		[{ weekend: [0, 1, 2, 3, 4, 5, 6] }, 'weekend', 'out_of_range'],
		[{ weekend: [5, 5] }, 'weekend', 'invalid_format'],
		[{ respons_days: 10 }, 'respons_days', 'invalid_format']
	])('refuses %j with %s: %s, and changes nothing', async (body, field, code) => {
		const refused = await api('PUT', '/api/admin/settings', coordinator, body);
		expect(refused.status).toBe(400);
		expect(refused.body.error.fields).toContainEqual(expect.objectContaining({ field, code }));
		expect(refused.body.error.message_key).toBe(`errors.${refused.body.error.code}`);
		expect((await api('GET', '/api/admin/settings', coordinator)).body.settings.response_days).toBe(20);
	});

	it('accepts another IANA zone and weekend', async () => {
		const changed = await api('PUT', '/api/admin/settings', coordinator, { time_zone: 'Asia/Riyadh', weekend: [6, 5], response_days: 5 });
		expect(changed.body.settings).toMatchObject({ time_zone: 'Asia/Riyadh', weekend: [5, 6], response_days: 5 });
		await api('PUT', '/api/admin/settings', coordinator, { time_zone: 'Asia/Bahrain' });
	});
});

describe('entities, categories and routing', () => {
	it('creates an entity and a category, and routes new cases by the edited table', async () => {
		const entity = await api('POST', '/api/admin/entities', coordinator, { entity_id: 'ports', name_ar: 'هيئة الموانئ', name_en: 'Ports Authority' });
		expect(entity.status).toBe(201);
		expect(entity.body.entity).toMatchObject({ entity_id: 'ports', active: true });
		expect((await api('POST', '/api/admin/entities', coordinator, { entity_id: 'ports', name_ar: 'مكرر', name_en: 'Duplicate' })).body.error.code).toBe('already_exists');

		const category = await api('POST', '/api/admin/categories', coordinator, {
			category_id: 'ports-noise',
			entity_id: 'works',
			name_ar: 'ضوضاء الموانئ',
			name_en: 'Port noise',
			case_types: ['complaint']
		});
		expect(category.status).toBe(201);
		expect((await submitCase({ category_id: 'ports-noise' })).entity_id).toBe('works');

		const routed = await api('PUT', '/api/admin/routing', coordinator, { routes: { 'ports-noise': 'ports' } });
		expect(routed.body.changed).toEqual({ 'ports-noise': { from: 'works', to: 'ports' } });
		expect((await api('GET', '/api/admin/routing', coordinator)).body.routes['ports-noise']).toBe('ports');
		expect((await submitCase({ category_id: 'ports-noise' })).entity_id).toBe('ports');

		const renamed = await api('PUT', '/api/admin/entities/ports', coordinator, { name_en: 'Ports and Maritime Authority' });
		expect(renamed.body.entity).toMatchObject({ entity_id: 'ports', name_en: 'Ports and Maritime Authority', name_ar: 'هيئة الموانئ' });
		// The catalogue every device replicates shows the change.
		expect((await api('GET', '/db/config/entity%3Aports', null)).body.name_en).toBe('Ports and Maritime Authority');

		const kinds = await auditKinds();
		for (const kind of ['admin.entity.create', 'admin.category.create', 'admin.routing.update', 'admin.entity.update']) expect(kinds).toContain(kind);
	});

	it('marks a category as a public place: the nearby lookup answers for it at once, without a restart (issue 15)', async () => {
		const lookup = () => fetch(`${server.base}/api/nearby?category_id=ports-noise&lat=26.2&lng=50.6`, { headers: { cookie: citizen.cookie } });
		expect((await (await lookup()).json()).error.code).toBe('not_public_place');
		const marked = await api('PUT', '/api/admin/categories/ports-noise', coordinator, { public_place: true });
		expect(marked.body.category).toMatchObject({ category_id: 'ports-noise', public_place: true, name_en: 'Port noise' });
		expect((await api('GET', '/db/config/category%3Aports-noise', null)).body.public_place).toBe(true);
		const answer = await lookup();
		expect(answer.status).toBe(200);
		expect((await answer.json()).cases).toEqual([]);
		const refused = await api('PUT', '/api/admin/categories/ports-noise', coordinator, { public_place: 'yes' });
		expect(refused.body.error.fields).toEqual([{ field: 'public_place', code: 'invalid_format' }]);
	});

	it('retires an entity and brings it back without a restart: new cases for it are refused meanwhile', async () => {
		const retired = await api('PUT', '/api/admin/entities/ports', coordinator, { active: false });
		expect(retired.body.entity).toMatchObject({ entity_id: 'ports', active: false });
		const refused = submitAction({ category_id: 'ports-noise' });
		const outbox = local('outbox-retired');
		await outbox.put(refused);
		await outbox.replicate.to(remote(server.base, 'intake', citizen));
		const own = local('own-retired');
		const rejection = await waitFor(
			async () => {
				await own.replicate.from(remote(server.base, `u_${citizen.user.user_id}`, citizen));
				return (await own.get(`rejection:${refused._id}`).catch(() => undefined)) as { code: string } | undefined;
			},
			20_000,
			'rejection for the retired entity'
		);
		expect(rejection.code).toBe('unknown_entity');

		const back = await api('PUT', '/api/admin/entities/ports', coordinator, { active: true });
		expect(back.body.entity).toMatchObject({ entity_id: 'ports', active: true });
		expect((await submitCase({ category_id: 'ports-noise' })).entity_id).toBe('ports');
		expect(await auditKinds()).toContain('admin.entity.update');
	});

	it('keeps who filed from the entity for a category set so, from the next case on (identity levels, issue 14)', async () => {
		const entityCopy = async (caseKey: string) => server.store.use<any>('e_ports').get(`case:${caseKey}`);
		const named = await submitCase({ category_id: 'ports-noise' });
		expect((await entityCopy(named.case_key)).citizen_label).toEqual({ masked_phone: expect.stringMatching(/0333$/) });

		const hidden = await api('PUT', '/api/admin/categories/ports-noise', coordinator, { identity: 'contact_hidden' });
		expect(hidden.body.category).toMatchObject({ category_id: 'ports-noise', identity: 'contact_hidden', public_place: true });
		const filed = await submitCase({ category_id: 'ports-noise' });
		const seen = await entityCopy(filed.case_key);
		expect(seen.contact_hidden).toBe(true);
		expect(seen.citizen_label).toBeUndefined();
		expect(JSON.stringify(seen)).not.toContain('0333');
		// Still the citizen's own case.
		expect(filed.citizen_id).toBe(citizen.user.user_id);
		expect((await api('PUT', '/api/admin/categories/ports-noise', coordinator, { identity: 'secret' })).body.error.fields).toEqual([{ field: 'identity', code: 'invalid_format' }]);
		// Anonymous reporting: nobody shown, and staff told it is an anonymous report.
		expect((await api('PUT', '/api/admin/categories/ports-noise', coordinator, { identity: 'anonymous' })).body.category).toMatchObject({ identity: 'anonymous' });
		const anonymous = await entityCopy((await submitCase({ category_id: 'ports-noise' })).case_key);
		expect(anonymous).toMatchObject({ contact_hidden: true, anonymous: true });
		expect(anonymous.citizen_label).toBeUndefined();
		await api('PUT', '/api/admin/categories/ports-noise', coordinator, { identity: 'named' });
	});

	it.each([
		['POST', '/api/admin/entities', { entity_id: 'Bad Id', name_ar: 'جهة', name_en: 'Entity' }, 'entity_id', 'invalid_format'],
		['POST', '/api/admin/entities', { entity_id: 'x1', name_ar: 'ج', name_en: 'Entity' }, 'name_ar', 'too_short'],
		['POST', '/api/admin/categories', { category_id: 'c1', entity_id: 'nowhere', name_ar: 'تصنيف', name_en: 'Category', case_types: ['complaint'] }, 'entity_id', 'unknown_entity'],
		['POST', '/api/admin/categories', { category_id: 'c1', entity_id: 'works', name_ar: 'تصنيف', name_en: 'Category', case_types: ['praise'] }, 'case_types', 'invalid_format'],
		['PUT', '/api/admin/routing', { routes: { 'ports-noise': 'nowhere' } }, 'routes.ports-noise', 'unknown_entity'],
		['PUT', '/api/admin/routing', { routes: { 'no-such-category': 'works' } }, 'routes.no-such-category', 'unknown_category'],
		['PUT', '/api/admin/holidays/2030', { days: [{ date: '2030-02-30', name_ar: 'يوم', name_en: 'Day' }] }, 'days.0.date', 'invalid_date'],
		['PUT', '/api/admin/holidays/2030', { days: [{ date: '2031-01-01', name_ar: 'يوم', name_en: 'Day' }] }, 'days.0.date', 'invalid_date'],
		['PUT', '/api/admin/sms-templates/rating_invite', { text_ar: 'قيّم الرد على {ref}: {link}', text_en: 'Rate the reply to {link}' }, 'text_en', 'placeholder_mismatch'],
		['PUT', '/api/admin/sms-templates/rating_invite', { text_ar: 'قيّم الرد على {ref}', text_en: 'Rate the reply to {ref}' }, 'text_ar', 'placeholder_missing'],
		['PUT', '/api/admin/sms-templates/sign_in_code', { text_ar: 'رمزك {code} {ref}', text_en: 'Your code {code} {ref}' }, 'text_en', 'placeholder_unknown']
	])('%s %s refuses bad input (%s: %s)', async (method, path, body, field, code) => {
		const refused = await api(method, path, coordinator, body);
		expect(refused.status).toBe(400);
		expect(refused.body.error.fields).toContainEqual(expect.objectContaining({ field, code }));
	});

	it('keeps holidays per year and SMS texts in both languages', async () => {
		const days = [
			{ date: '2030-12-16', name_ar: 'العيد الوطني', name_en: 'National Day' },
			{ date: '2030-01-01', name_ar: 'رأس السنة', name_en: "New Year's Day" }
		];
		const saved = await api('PUT', '/api/admin/holidays/2030', coordinator, { days });
		expect(saved.body.holidays.days.map((d: { date: string }) => d.date)).toEqual(['2030-01-01', '2030-12-16']);
		expect((await api('GET', '/api/admin/holidays/2030', coordinator)).body.holidays.days).toHaveLength(2);
		expect((await api('GET', '/api/admin/holidays/1999', coordinator)).status).toBe(400);
		expect((await api('PUT', '/api/admin/sms-templates/rating.invite', coordinator, { text_ar: 'قيّم {link}', text_en: 'Rate {link}' })).body.error.code).toBe('unknown_sms_text');
		const text = await api('PUT', '/api/admin/sms-templates/rating_invite', coordinator, {
			text_ar: 'تواصل: قيّم الرد على طلبك {ref}: {link}',
			text_en: 'Tawasul: rate the reply to your case {ref}: {link}'
		});
		expect(text.status).toBe(200);
		expect((await api('GET', '/api/admin/sms-templates', coordinator)).body.templates).toContainEqual(expect.objectContaining({ key: 'rating_invite' }));
		const kinds = await auditKinds();
		expect(kinds).toContain('admin.holidays.update');
		expect(kinds).toContain('admin.sms_template.update');
	});

	it("sends the sign-in code in the coordinator's wording, in the person's language", async () => {
		const saved = await api('PUT', '/api/admin/sms-templates/sign_in_code', coordinator, {
			text_ar: 'رمز دخول تواصل {code} (صالح {minutes} دقائق)',
			text_en: 'Tawasul code {code}, valid {minutes} min'
		});
		expect(saved.status).toBe(200);
		for (const [locale, expected] of [
			['en', /^Tawasul code \d{6}, valid 5 min$/],
			['ar', /^رمز دخول تواصل \d{6} \(صالح 5 دقائق\)$/]
		] as const) {
			const phone = locale === 'en' ? '+97336000441' : '+97336000442';
			const sent = await fetch(`${server.base}/api/auth/otp/request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone, locale }) });
			expect(sent.status).toBe(200);
			const { messages } = (await (await fetch(`${server.base}/api/dev/sms?phone=${encodeURIComponent(phone)}`)).json()) as { messages: { text: string }[] };
			expect(messages[0].text).toMatch(expected);
		}
	});
});

describe('staff accounts and password kiosk accounts', () => {
	it('creates staff with a one-time password, moves them, disables them and resets them', async () => {
		const made = await api('POST', '/api/admin/staff', coordinator, { username: 'Agent.New', name: 'New agent', role: 'agent', entity_id: 'works' });
		expect(made.status).toBe(201);
		expect(made.body.account).toMatchObject({ username: 'agent.new', role: 'agent', entity_id: 'works', disabled: false, totp_enabled: false });
		expect(JSON.stringify(made.body.account)).not.toMatch(/argon2|password_hash/);
		const id = made.body.account.user_id;
		const first = await signInStaff(server.base, 'agent.new', made.body.temporary_password);
		expect(first.user.databases.pull).toContain('e_works');
		expect((await api('POST', '/api/admin/staff', coordinator, { username: 'agent.new', name: 'Again', role: 'agent', entity_id: 'works' })).body.error.code).toBe('already_exists');

		// A move to another entity ends the sessions that could still read the old one.
		const moved = await api('PUT', `/api/admin/staff/${id}`, coordinator, { entity_id: 'health' });
		expect(moved.body.account.entity_id).toBe('health');
		expect((await api('GET', '/api/session', first)).status).toBe(401);
		const second = await signInStaff(server.base, 'agent.new', made.body.temporary_password);
		expect(second.user.databases.pull).toContain('e_health');
		expect(second.user.databases.pull).not.toContain('e_works');

		await api('PUT', `/api/admin/staff/${id}`, coordinator, { disabled: true });
		expect((await api('GET', '/api/session', second)).status).toBe(401);
		const refused = await api('POST', '/api/auth/login', null, { username: 'agent.new', password: made.body.temporary_password });
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('account_disabled');
		await api('PUT', `/api/admin/staff/${id}`, coordinator, { disabled: false });

		const reset = await api('POST', `/api/admin/staff/${id}/password`, coordinator);
		expect(reset.body.temporary_password).toHaveLength(24);
		expect((await api('POST', '/api/auth/login', null, { username: 'agent.new', password: made.body.temporary_password })).status).toBe(401);
		const third = await signInStaff(server.base, 'agent.new', reset.body.temporary_password);
		const changed = await api('POST', '/api/auth/password', third, { current_password: reset.body.temporary_password, new_password: 'a-new-long-password' });
		expect(changed.status).toBe(200);
		await signInStaff(server.base, 'agent.new', 'a-new-long-password');

		const kinds = await auditKinds();
		for (const kind of ['admin.staff.create', 'admin.staff.update', 'admin.staff.password_reset']) expect(kinds).toContain(kind);
		const { body } = await api('GET', '/api/audit?limit=200', coordinator);
		expect(JSON.stringify(body)).not.toContain(reset.body.temporary_password);
	});

	it('does not let a coordinator demote or disable themselves', async () => {
		const self = coordinator.user.user_id;
		expect((await api('PUT', `/api/admin/staff/${self}`, coordinator, { role: 'agent', entity_id: 'works' })).body.error.fields[0]).toMatchObject({ field: 'role', code: 'not_allowed' });
		expect((await api('PUT', `/api/admin/staff/${self}`, coordinator, { disabled: true })).status).toBe(400);
		expect((await api('PUT', '/api/admin/staff/s0000000000000000', coordinator, { name: 'Nobody' })).status).toBe(404);
	});

	it('makes no more password kiosks, which sign in no more; those left are listed and disabled (issue 12)', async () => {
		// One left from before enrolled kiosk devices, with a session it had then: the password is
		// refused with a reason, and the old session stops, so nothing of the gate is reachable.
		const old = await createStaff(server.store, { username: 'kiosk.seef', password: 'an-old-kiosk-password', role: 'kiosk', name: 'Kiosk — Seef Mall', location: 'Seef Mall' });
		const signIn = await api('POST', '/api/auth/login', null, { username: 'kiosk.seef', password: 'an-old-kiosk-password' });
		expect([signIn.status, signIn.body.error.code]).toEqual([403, 'kiosk_password_retired']);
		// Made by another instance (or before this version): the server reads it from the store.
		const before = await createSessionService({ store: server.store, env: server.env }).createSession(old);
		const kiosk = { cookie: before.cookie.split(';')[0] };
		expect((await fetch(`${server.base}/api/session`, { headers: kiosk })).status).toBe(401);
		const action = submitAction({ subject: 'Filed by a password kiosk' });
		const pushed = await fetch(`${server.base}/db/intake/_bulk_docs`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: kiosk.cookie },
			body: JSON.stringify({ docs: [action] })
		});
		expect(pushed.status).toBe(401);
		// A wrong password gets the same answer as for anyone: the account is not revealed.
		expect((await api('POST', '/api/auth/login', null, { username: 'kiosk.seef', password: 'not-the-password' })).status).toBe(401);

		expect((await api('POST', '/api/admin/kiosks', coordinator, { name: 'Kiosk — City Centre', location: 'City Centre' })).status).toBe(404);
		expect((await api('POST', `/api/admin/kiosks/${old.user_id}/password`, coordinator)).status).toBe(404);

		const listed = await api('GET', '/api/admin/kiosks', coordinator);
		expect(listed.body.kiosks.find((k: { user_id: string }) => k.user_id === old.user_id)).toMatchObject({ role: 'kiosk', location: 'Seef Mall', disabled: false });
		// The staff endpoints don't touch kiosks, and the other way round.
		expect((await api('PUT', `/api/admin/staff/${old.user_id}`, coordinator, { name: 'Renamed' })).status).toBe(404);
		expect((await api('PUT', `/api/admin/kiosks/${coordinator.user.user_id}`, coordinator, { disabled: true })).status).toBe(404);
		expect((await api('PUT', `/api/admin/kiosks/${old.user_id}`, coordinator, { disabled: true })).body.account.disabled).toBe(true);
		expect((await api('POST', '/api/auth/login', null, { username: 'kiosk.seef', password: 'an-old-kiosk-password' })).status).toBe(403);
		expect(await auditKinds()).toContain('admin.kiosk.update');
	});
});

describe('SMS delivery', () => {
	it('counts messages by state and lists those that did not arrive, without their text or whole number', async () => {
		const now = new Date().toISOString();
		await server.store.use('sms').insert({
			_id: 'job:test-dead-rating',
			type: 'sms_job',
			source: 'test-dead-rating',
			purpose: 'rating',
			to: '+97336000555',
			text: 'Rate the reply: https://tawasul.example/r/SECRET-TOKEN-123',
			status: 'dead',
			attempts: 5,
			next_at: now,
			created_at: now,
			updated_at: now,
			error: 'HTTP 400: destination +97336000555 rejected'
		} as never);
		const { status, body } = await api('GET', '/api/admin/sms/delivery', coordinator);
		expect(status).toBe(200);
		expect(body.counts.dead).toBeGreaterThanOrEqual(1);
		expect(body.counts.sent + body.counts.delivered).toBeGreaterThan(0);
		expect(body.problems[0]).toEqual({
			purpose: 'rating',
			to: '+973••••••55',
			status: 'dead',
			attempts: 5,
			error: 'HTTP 400: destination +973••••••55 rejected',
			created_at: now,
			updated_at: now
		});
		const text = JSON.stringify(body);
		expect(text).not.toContain('SECRET-TOKEN');
		expect(text).not.toContain('36000555');
	});
});

describe('only coordinators', () => {
	const routes: [string, string, unknown?][] = [
		['GET', '/api/admin/settings'],
		['PUT', '/api/admin/settings', { response_days: 30 }],
		['GET', '/api/admin/entities'],
		['POST', '/api/admin/entities', { entity_id: 'rogue', name_ar: 'جهة', name_en: 'Rogue' }],
		['PUT', '/api/admin/entities/works', { active: false }],
		['GET', '/api/admin/categories'],
		['DELETE', '/api/admin/categories/works-potholes'],
		['PUT', '/api/admin/routing', { routes: { 'works-potholes': 'health' } }],
		['PUT', '/api/admin/holidays/2031', { days: [] }],
		['PUT', '/api/admin/sms-templates/otp', { text_ar: 'رمز', text_en: 'code' }],
		['GET', '/api/admin/sms/delivery'],
		['GET', '/api/admin/staff'],
		['POST', '/api/admin/staff', { username: 'rogue', name: 'Rogue', role: 'coordinator' }],
		['GET', '/api/admin/kiosks'],
		['PUT', '/api/admin/kiosks/s0000000000000000', { disabled: true }],
		['GET', '/api/admin/kiosk-devices'],
		['POST', '/api/admin/kiosk-devices', { name: 'Rogue kiosk', centre: 'Rogue centre' }],
		['POST', '/api/admin/kiosk-devices/kiosk-0123456789abcdef/code'],
		['POST', '/api/admin/kiosk-devices/kiosk-0123456789abcdef/revoke']
	];

	it('answers 401 signed out and 403 to every other role, and changes nothing', async () => {
		for (const [role, session, status] of others) {
			for (const [method, path, body] of routes) {
				const answer = await api(method, path, session, body);
				expect(answer.status, `${role} ${method} ${path}`).toBe(status);
			}
		}
		expect((await api('GET', '/api/admin/settings', coordinator)).body.settings.response_days).toBe(5);
		expect((await api('GET', '/api/admin/routing', coordinator)).body.routes['works-potholes']).toBe('works');
		expect((await api('GET', '/api/admin/staff', coordinator)).body.staff.map((s: { username: string }) => s.username)).not.toContain('rogue');
		expect((await api('GET', '/api/admin/kiosk-devices', coordinator)).body.kiosks.map((k: { name: string }) => k.name)).not.toContain('Rogue kiosk');
	});
});
