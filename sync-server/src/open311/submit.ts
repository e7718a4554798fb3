/** POST requests: an Open311 request becomes a `submit` action and takes the app's path: the
 * gate's checks, quota and atomic create (gate.ts admitActions), then the rules engine reads it
 * from `intake` like any other, so the case gets the same routing, clock, reference, audit entry
 * and rating invitation. Nothing here writes a case.
 *
 * The answer is a token (GeoReport v2 services of type `batch`): the engine gives the reference a
 * moment later, and tokens/<token> then answers it. The token is the case key and the action's id,
 * so no other record is needed to follow it.
 *
 * Contact details the partner may send (`email`, `first_name`, `last_name`, `phone`, `account_id`,
 * `device_id`) are not kept: the key's partner answers for its users, and the case is filed
 * under the key's account. `media_url` is not fetched (the server requests no address a caller
 * names). */
import { randomUUID } from 'node:crypto';
import type { ActionDoc, CaseType } from '../../../src/lib/domain/doc-types.js';
import { LIMITS } from '../../../src/lib/domain/limits.js';
import type { Open311Env } from '../env.js';
import type { Catalogue } from '../engine/catalogue.js';
import { admitActions } from '../gate/gate.js';
import type { Quotas } from '../gate/quota.js';
import type { SessionUser } from '../auth/types.js';
import { t, type Locale } from '../rating/i18n.js';
import type { Store } from '../store.js';
import { fail, Open311Error, type Open311ErrorItem } from './format.js';
import type { ApiKeyDoc } from './keys.js';
import { findService } from './services.js';

/** GeoReport v2: a description is "free form text limited to 4,000 characters", without html or code. */
const DESCRIPTION_MAX = 4000;
const NUMBER = /^-?\d{1,3}(\.\d{1,15})?$/;
/** A tag, a comment, a processing instruction or CDATA: "not html or code". */
const MARKUP = /<\s*[A-Za-z!?/]/;

type Form = Record<string, unknown>;

/** One value per field: a field sent twice is refused rather than guessed at. */
function single(form: Form, name: string): string | undefined {
	const value = form[name];
	if (value === undefined || value === '') return undefined;
	if (typeof value !== 'string') throw fail(400, `${name} was given more than once`);
	return value;
}

export interface NewRequest {
	action: ActionDoc;
	token: string;
}

/** Checks the form against the service and the country, and builds the action. Every problem
 * of the form is reported at once, as the specification's list of errors allows. */
export function buildRequest(form: Form, catalogue: Catalogue, bounds: Open311Env['bounds'], now: Date): NewRequest {
	const code = single(form, 'service_code');
	if (!code) throw fail(400, 'service_code was not provided');
	const category = findService(catalogue, code);
	if (!category) throw fail(404, `service_code ${code} was not found`);
	const errors: Open311ErrorItem[] = [];
	const problem = (description: string) => errors.push({ code: 400, description });

	const caseType = single(form, 'attribute[case_type]') ?? (category.case_types.length === 1 ? category.case_types[0] : undefined);
	if (!caseType) problem(`attribute[case_type] is required for service ${code}: one of ${category.case_types.join(', ')}`);
	else if (!category.case_types.includes(caseType as CaseType)) problem(`attribute[case_type] must be one of ${category.case_types.join(', ')}`);
	const subject = single(form, 'attribute[subject]');
	if (!subject) problem('attribute[subject] is required');
	const description = single(form, 'description');
	if (!description) problem('description is required');
	else if (Array.from(description).length > DESCRIPTION_MAX) problem(`description is longer than ${DESCRIPTION_MAX} characters`);
	for (const [name, value] of [
		['description', description],
		['attribute[subject]', subject],
		['address_string', single(form, 'address_string')]
	] as const) {
		if (value && MARKUP.test(value)) problem(`${name} may not contain HTML or code`);
	}
	if (single(form, 'address_id')) problem('address_id is not supported: send lat and long, or address_string');

	const lat = single(form, 'lat');
	const long = single(form, 'long');
	let location: { lat: number; lng: number } | null = null;
	if (lat !== undefined || long !== undefined) {
		if (lat === undefined || long === undefined) problem('lat and long must be sent together');
		else if (!NUMBER.test(lat.trim()) || !NUMBER.test(long.trim())) problem('lat and long must be decimal degrees (WGS84)');
		else {
			location = { lat: Number(lat), lng: Number(long) };
			if (location.lat < bounds.south || location.lat > bounds.north || location.lng < bounds.west || location.lng > bounds.east) {
				problem(`lat/long ${lat},${long} is outside the country (latitude ${bounds.south} to ${bounds.north}, longitude ${bounds.west} to ${bounds.east})`);
			}
		}
	}
	const localeRaw = single(form, 'locale');
	if (localeRaw !== undefined && localeRaw !== 'ar' && localeRaw !== 'en') problem('locale must be ar or en');
	// A missing subject or description is among the errors already; naming them again lets the
	// compiler see they are there below.
	if (errors.length > 0 || !subject || !description) throw new Open311Error(400, errors);

	const address = single(form, 'address_string');
	const locale: Locale = localeRaw === 'en' ? 'en' : 'ar';
	const token = randomUUID();
	const action: ActionDoc = {
		_id: `act:${token}`,
		type: 'action',
		kind: 'submit',
		case_key: token,
		client_time: now.toISOString(),
		device_id: 'open311',
		case_type: caseType as CaseType,
		category_id: category.category_id,
		subject,
		body: address ? `${description}\n\n${t(locale, 'case.location')}: ${address}` : description,
		locale,
		location
	};
	return { action, token };
}

/** The key's account as the gate sees a person: a citizen of its own id, with a kiosk's quota
 * (it files for many people, as a kiosk does). Without a name: the gate would label the case with
 * it, and staff would read the partner application's name as the citizen's (issue 16). */
function keyUser(key: ApiKeyDoc): SessionUser {
	return { user_id: key.user_id, role: 'citizen', name: '', databases: { pull: [], push: 'intake' } };
}

function keyQuotas(quotas: Quotas): Quotas {
	return { person: quotas.kiosk, kiosk: quotas.kiosk };
}

/** Hands the action to the gate; its refusal becomes the specification's error (429 for a quota). */
export async function fileRequest(store: Store, quotas: Quotas, key: ApiKeyDoc, request: NewRequest, now: Date): Promise<void> {
	// One answer for the one action sent.
	const result = (await admitActions(store, keyQuotas(quotas), keyUser(key), [request.action], now)).at(0);
	if (!result?.error) return;
	const code = result.reason ?? 'invalid_format';
	const field = result.field ? ` (${result.field.replace(/^body$/, 'description').replace(/^subject$/, 'attribute[subject]')})` : '';
	const bounds = result.field === 'subject' ? { min: LIMITS.SUBJECT_MIN, max: LIMITS.SUBJECT_MAX } : { min: LIMITS.SUBMIT_BODY_MIN, max: DESCRIPTION_MAX };
	const description = `${t('en', `errors.${code}`, bounds)}${field}`;
	if (code === 'quota_exceeded') throw new Open311Error(429, [{ code: 429, description }]);
	throw new Open311Error(400, [{ code: 400, description }]);
}
