import type { CaseType, CategoryDoc, EntityDoc, HolidayDay, SettingsDoc } from '$lib/domain/doc-types';
import { request } from './api';
import { placeholdersIn } from '$lib/domain/sms-texts';
import type { ImportPlan } from '$lib/domain/holiday-import';
import type { PublicSuggestionDoc } from '$lib/domain/suggestion';
import type { ApiKeyView } from '$lib/domain/api-key';

/** The coordinator's administration API (docs/design.md, "Administration"): online only, every
 * call straight to the server, which validates, writes `config` or `auth` and audits. Errors are
 * ClientErrors with the fields concerned (`name_ar`, `days.2.date`, `routes.<category>`…). */

/** The pages under /admin, in the order of the admin menu (`admin.<section>.title`). */
export const ADMIN_SECTIONS = ['entities', 'categories', 'settings', 'holidays', 'sms', 'delivery', 'staff', 'kiosks', 'api-keys', 'published'] as const;

export const STAFF_ROLES = ['agent', 'manager', 'coordinator', 'minister'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** Only these roles belong to an entity; the server drops the entity of the others. */
export const ENTITY_ROLES: readonly StaffRole[] = ['agent', 'manager'];

/** An account as the coordinator sees it: never a hash or anything secret. */
export interface Account {
	user_id: string;
	username: string;
	name: string;
	role: StaffRole | 'kiosk';
	entity_id: string | null;
	phone: string | null;
	location: string | null;
	disabled: boolean;
	locked: boolean;
	totp_enabled: boolean;
	created_at: string;
}

/** What a new account or a password reset answers with, shown once. */
export interface NewPassword {
	temporary_password: string;
}

export interface SmsTemplate {
	key: string;
	text_ar: string;
	text_en: string;
	updated_at: string;
}

export const SMS_STATUSES = ['queued', 'sending', 'sent', 'held', 'delivered', 'undelivered', 'dead', 'opted_out', 'uncertain'] as const;
type SmsStatus = (typeof SMS_STATUSES)[number];

/** GET /api/admin/sms/delivery: counts by state and the latest messages that did not arrive. */
export interface SmsDelivery {
	counts: Record<SmsStatus, number>;
	problems: { purpose: 'otp' | 'rating' | 'notice' | 'digest'; to: string; status: SmsStatus; attempts: number; error: string | null; created_at: string; updated_at: string }[];
}

export type EntityInput = Pick<EntityDoc, 'entity_id' | 'name_ar' | 'name_en'>;
export type CategoryInput = Pick<CategoryDoc, 'category_id' | 'entity_id' | 'name_ar' | 'name_en' | 'case_types' | 'public_place' | 'identity'>;
export type SettingsInput = Partial<Pick<SettingsDoc, 'response_days' | 'time_zone' | 'weekend' | 'transfer_restarts_clock'>>;
export interface StaffInput {
	username: string;
	name: string;
	role: StaffRole;
	entity_id?: string;
	phone?: string;
}

/** A self-service kiosk as the fleet view shows it (`GET /api/admin/kiosk-devices`): never its
 * key, nonces, code or the citizen at it. */
export interface KioskDevice {
	kiosk_id: string;
	name: string;
	centre: string;
	location: string;
	state: 'awaiting_enrolment' | 'enrolled' | 'revoked';
	created_at: string;
	enrolled_at: string | null;
	revoked_at: string | null;
	enrolment_expires_at: string | null;
	last_seen_at: string | null;
	app_version: string | null;
	/** Submissions waiting on the device, as it last said; null before it said. */
	outbox_length: number | null;
	/** The latest errors it reported, oldest first. */
	errors: { at: string; message: string }[];
	error_count: number;
	in_session: boolean;
	/** Enrolled and not heard from for `stale_after_minutes`. */
	stale: boolean;
}
export interface KioskFleet {
	kiosks: KioskDevice[];
	stale_after_minutes: number;
}
export interface KioskDeviceInput {
	name: string;
	centre: string;
	location?: string;
}
/** A new kiosk's or a re-keyed kiosk's one-time enrolment code: the only copy there will ever be. */
export interface EnrolmentCode {
	kiosk: KioskDevice;
	enrolment_code: string;
	expires_at: string;
}

/** An Open311 API key as the coordinator sees it: who it is for and its history, never the key. */
export type ApiKey = ApiKeyView;

const path = (...parts: (string | number)[]) => parts.map((p) => encodeURIComponent(String(p))).join('/');

export const adminApi = {
	entities: () => request<{ entities: EntityDoc[] }>('GET', '/api/admin/entities').then((r) => r.entities),
	createEntity: (input: EntityInput) => request<{ entity: EntityDoc }>('POST', '/api/admin/entities', input).then((r) => r.entity),
	updateEntity: (id: string, change: Partial<Pick<EntityDoc, 'name_ar' | 'name_en' | 'active'>>) =>
		request<{ entity: EntityDoc }>('PUT', `/api/admin/entities/${path(id)}`, change).then((r) => r.entity),

	categories: () => request<{ categories: CategoryDoc[] }>('GET', '/api/admin/categories').then((r) => r.categories),
	createCategory: (input: CategoryInput) => request<{ category: CategoryDoc }>('POST', '/api/admin/categories', input).then((r) => r.category),
	updateCategory: (id: string, change: Partial<Omit<CategoryInput, 'category_id'>>) => request<{ category: CategoryDoc }>('PUT', `/api/admin/categories/${path(id)}`, change).then((r) => r.category),
	deleteCategory: (id: string) => request<unknown>('DELETE', `/api/admin/categories/${path(id)}`),
	/** The whole category → entity table at once; answers with the categories that moved. */
	saveRouting: (routes: Record<string, string>) => request<{ changed: Record<string, { from: string; to: string }> }>('PUT', '/api/admin/routing', { routes }).then((r) => r.changed),

	settings: () => request<{ settings: SettingsDoc }>('GET', '/api/admin/settings').then((r) => r.settings),
	saveSettings: (change: SettingsInput) => request<{ settings: SettingsDoc }>('PUT', '/api/admin/settings', change).then((r) => r.settings),

	holidays: (year: number) => request<{ holidays: { year: number; days: HolidayDay[] } }>('GET', `/api/admin/holidays/${path(year)}`).then((r) => r.holidays.days),
	/** Replaces the year's list; answers with it sorted by date. */
	saveHolidays: (year: number, days: HolidayDay[]) => request<{ holidays: { days: HolidayDay[] } }>('PUT', `/api/admin/holidays/${path(year)}`, { days }).then((r) => r.holidays.days),

	/** The last holiday kept in any year, for the warning before the list runs out. */
	holidaysEnd: () => request<{ last: string | null; years: number[] }>('GET', '/api/admin/holidays'),
	/** Reads an iCalendar file on the server: `apply: false` only says what would happen. */
	importHolidays: (ics: string, apply: boolean) => request<{ plan: ImportPlan; applied: boolean }>('POST', '/api/admin/holidays/import', { ics, apply }),

	smsDelivery: () => request<SmsDelivery>('GET', '/api/admin/sms/delivery'),
	smsTemplates: () => request<{ templates: SmsTemplate[] }>('GET', '/api/admin/sms-templates').then((r) => r.templates),
	saveSmsTemplate: (key: string, texts: Pick<SmsTemplate, 'text_ar' | 'text_en'>) => request<{ template: SmsTemplate }>('PUT', `/api/admin/sms-templates/${path(key)}`, texts).then((r) => r.template),

	staff: () => request<{ staff: Account[] }>('GET', '/api/admin/staff').then((r) => r.staff),
	createStaff: (input: StaffInput) => request<{ account: Account } & NewPassword>('POST', '/api/admin/staff', input),
	updateStaff: (userId: string, change: Partial<Omit<StaffInput, 'username'>> & { disabled?: boolean }) =>
		request<{ account: Account }>('PUT', `/api/admin/staff/${path(userId)}`, change).then((r) => r.account),
	resetStaffPassword: (userId: string) => request<NewPassword>('POST', `/api/admin/staff/${path(userId)}/password`, {}),
	resetStaffTotp: (userId: string) => request<{ totp_enabled: false }>('POST', `/api/admin/staff/${path(userId)}/totp/reset`, {}),

	kioskDevices: () => request<KioskFleet>('GET', '/api/admin/kiosk-devices'),
	registerKiosk: (input: KioskDeviceInput) => request<EnrolmentCode>('POST', '/api/admin/kiosk-devices', input),
	/** A new code: the device's key stops working at once and it must enrol again. */
	newKioskCode: (kioskId: string) => request<EnrolmentCode>('POST', `/api/admin/kiosk-devices/${path(kioskId)}/code`, {}),
	revokeKiosk: (kioskId: string) => request<{ kiosk: KioskDevice }>('POST', `/api/admin/kiosk-devices/${path(kioskId)}/revoke`, {}).then((r) => r.kiosk),

	/** Password kiosk accounts left from before enrolled devices: they can file nothing, so they
	 * are only listed, to be disabled. */
	legacyKiosks: () => request<{ kiosks: Account[] }>('GET', '/api/admin/kiosks').then((r) => r.kiosks),
	disableLegacyKiosk: (userId: string) => request<{ account: Account }>('PUT', `/api/admin/kiosks/${path(userId)}`, { disabled: true }).then((r) => r.account),

	apiKeys: () => request<{ keys: ApiKey[] }>('GET', '/api/admin/api-keys').then((r) => r.keys),
	/** The answer's `api_key` is the only copy there will ever be. */
	createApiKey: (name: string) => request<{ key: ApiKey; api_key: string }>('POST', '/api/admin/api-keys', { name }),
	revokeApiKey: (keyId: string) => request<{ key: ApiKey }>('POST', `/api/admin/api-keys/${path(keyId)}/revoke`, {}).then((r) => r.key),

	/** Implemented suggestions as published, newest first, with those taken off the public pages. */
	published: () => request<{ suggestions: PublicSuggestionDoc[] }>('GET', '/api/admin/published').then((r) => r.suggestions),
	rewordPublished: (id: string, change: Partial<Pick<PublicSuggestionDoc, 'title' | 'change'>>) =>
		request<{ suggestion: PublicSuggestionDoc }>('POST', `/api/admin/published/${path(id)}/edit`, change).then((r) => r.suggestion),
	withdrawPublished: (id: string, reason: string) => request<{ suggestion: PublicSuggestionDoc }>('POST', `/api/admin/published/${path(id)}/withdraw`, { reason }).then((r) => r.suggestion),
	restorePublished: (id: string) => request<{ suggestion: PublicSuggestionDoc }>('POST', `/api/admin/published/${path(id)}/restore`, {}).then((r) => r.suggestion)
};

/** The `{placeholders}` SMS texts use, in order of first use: the server's reading of them
 * (sms-texts.ts), so the list on screen is the one the server checks. */
export function placeholdersOf(...texts: string[]): string[] {
	return [...new Set(texts.flatMap(placeholdersIn))].map((name) => `{${name}}`);
}

/** Case types in their fixed order, for checkboxes and for a stable request body. */
export function orderedCaseTypes(chosen: Iterable<CaseType>, all: readonly CaseType[]): CaseType[] {
	const set = new Set(chosen);
	return all.filter((type) => set.has(type));
}
