/**
 * Staff accounts, and the password kiosk accounts left from before enrolled kiosk devices (role
 * 'kiosk': listed and disabled, no longer made). Coordinators create staff, change role and entity, disable them, and reset a
 * password or a lost authenticator. Passwords are made here, shown once in the answer and never
 * stored or logged in clear. Any change to who someone is or what they may do ends all their
 * sessions, so the next request re-reads the account: nothing waits for a restart or a session
 * to run out.
 */
import { randomBytes } from 'node:crypto';
import type express from 'express';
import { DB, ID_PATTERN, type Role } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { normalizePhone } from '../../../src/lib/domain/phone.js';
import { createStaff, getAccount, listStaff, setPassword, updateAccount, type StaffRole } from '../auth/accounts.js';
import { totpDocId, type TotpDoc } from '../auth/mfa.js';
import type { AccountDoc, SessionUser } from '../auth/types.js';
import { asyncHandler } from '../http/errors.js';
import { requireRole } from '../http/guards.js';
import { auditChange, type AdminContext } from './context.js';
import { changedFields } from './config-docs.js';
import { Fields, required } from './fields.js';
import type { Store } from '../store.js';
import { getOrNull } from '../store-docs.js';

const STAFF_ROLES = ['agent', 'manager', 'coordinator', 'minister'] as const satisfies readonly StaffRole[];
/** Compared in lower case (accounts.ts), so any case is accepted here. */
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/i;

type Kind = 'staff' | 'kiosk';

/** 144 random bits, typed once by the person and changed by them afterwards (/api/auth/password). */
function temporaryPassword(): string {
	return randomBytes(18).toString('base64url');
}

/** What the coordinator sees of an account: never the hash, the lock counter or anything secret. */
function view(account: AccountDoc, totp: boolean) {
	return {
		user_id: account.user_id,
		username: account.username,
		name: account.name,
		role: account.role,
		entity_id: account.entity_id ?? null,
		phone: account.phone ?? null,
		location: account.location ?? null,
		disabled: account.disabled === true,
		locked: account.locked_until !== null && Date.parse(account.locked_until) > Date.now(),
		totp_enabled: totp,
		created_at: account.created_at
	};
}

/** Audit changes without the values of personal fields. */
function auditable(before: AccountDoc | null, after: AccountDoc) {
	const changes: Partial<ReturnType<typeof changedFields>> = changedFields(before, after, ['_id', '_rev', 'type', 'password_hash', 'failed_logins', 'locked_until', 'created_at']);
	if (changes.phone) changes.phone = { from: '…', to: '…' };
	return changes;
}

export function staffAdminRoutes(router: express.Router, ctx: AdminContext): void {
	accountRoutes(router, ctx, 'staff');
	accountRoutes(router, ctx, 'kiosk');

	/** A lost or replaced authenticator: TOTP off, sessions ended; a coordinator enrols again at the
	 * next sign-in, other staff may. */
	router.post(
		'/api/admin/staff/:user_id/totp/reset',
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const account = await target(ctx.store, 'staff', req.params.user_id);
			await ctx.mfa.disable(account.user_id);
			await signOut(ctx, account.user_id);
			await auditChange(ctx, user, 'admin.staff.totp_reset', { type: 'staff', id: account.user_id }, { entityIds: [account.entity_id] });
			res.json({ totp_enabled: false });
		})
	);
}

const coordinator = (res: express.Response) => requireRole(res, ['coordinator']);

/** Listing and changing one kind of account (staff, or password kiosks); creating staff and
 * giving them a temporary password. */
function accountRoutes(router: express.Router, ctx: AdminContext, kind: Kind): void {
	const { store } = ctx;
	const base = kind === 'staff' ? '/api/admin/staff' : '/api/admin/kiosks';

	router.get(
		base,
		asyncHandler(async (req, res) => {
			coordinator(res);
			const role = typeof req.query.role === 'string' ? req.query.role : undefined;
			const entity = typeof req.query.entity === 'string' ? req.query.entity : undefined;
			const accounts = (await listStaff(store)).filter((a) => (kind === 'kiosk') === (a.role === 'kiosk') && (!role || a.role === role) && (!entity || a.entity_id === entity));
			const totp = await totpEnabled(
				store,
				accounts.map((a) => a.user_id)
			);
			res.json({ [kind === 'staff' ? 'staff' : 'kiosks']: accounts.map((a) => view(a, totp.has(a.user_id))) });
		})
	);

	router.put(
		`${base}/:user_id`,
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const before = await target(store, kind, req.params.user_id);
			const change = kind === 'staff' ? await staffChange(req.body, before, user, (id) => activeEntity(store, id)) : kioskChange(req.body);
			const after = await updateAccount(store, before.user_id, (current) => {
				const next: AccountDoc = { ...current, ...change };
				// Only agents and managers belong to an entity.
				if (next.role !== 'agent' && next.role !== 'manager') delete next.entity_id;
				// Fields left undefined (such as `disabled` turned off) are dropped rather than kept as empty keys.
				return Object.fromEntries(Object.entries(next).filter(([, value]) => value !== undefined)) as AccountDoc;
			});
			if (!after) throw new TawasulError(404, 'not_found');
			const changes = auditable(before, after);
			if (changes.role || changes.entity_id || changes.disabled) await signOut(ctx, after.user_id);
			await auditChange(ctx, user, `admin.${kind}.update`, { type: kind, id: after.user_id }, { entityIds: [before.entity_id, after.entity_id], changes });
			const totp = await totpEnabled(store, [after.user_id]);
			res.json({ account: view(after, totp.has(after.user_id)) });
		})
	);

	// Password kiosks (role 'kiosk') can no longer file anything: the gate gives the role no action
	// (gate/intake.ts) and the kiosk screen is for enrolled devices (kiosk/routes.ts, issue 12). The
	// accounts left are listed to be disabled; none is made any more, nor given a new password.
	if (kind === 'kiosk') return;

	router.post(
		base,
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const input = await staffInput(req.body, (id) => activeEntity(store, id));
			const password = temporaryPassword();
			const account = await createStaff(store, { ...input, password }, ctx.now()).catch((error: unknown) => {
				if (error instanceof TawasulError && error.status === 409) throw new TawasulError(409, 'already_exists', [{ field: 'username', code: 'already_exists' }]);
				throw error;
			});
			await auditChange(ctx, user, `admin.${kind}.create`, { type: kind, id: account.user_id }, { entityIds: [account.entity_id], changes: auditable(null, account) });
			res.status(201).json({ account: view(account, false), temporary_password: password });
		})
	);

	router.post(
		`${base}/:user_id/password`,
		asyncHandler(async (req, res) => {
			const user = coordinator(res);
			const account = await target(store, kind, req.params.user_id);
			const password = temporaryPassword();
			await setPassword(store, account.user_id, password);
			await signOut(ctx, account.user_id);
			await auditChange(ctx, user, `admin.${kind}.password_reset`, { type: kind, id: account.user_id }, { entityIds: [account.entity_id] });
			res.json({ temporary_password: password });
		})
	);
}

async function activeEntity(store: Store, id: string): Promise<boolean> {
	const doc = await getOrNull(store.use<{ active?: boolean; type?: string }>(DB.CONFIG), `entity:${id}`);
	return doc?.type === 'entity' && doc.active === true;
}

async function totpEnabled(store: Store, userIds: string[]): Promise<Set<string>> {
	if (userIds.length === 0) return new Set();
	const result = await store.use<TotpDoc>(DB.AUTH).fetch({ keys: userIds.map(totpDocId) });
	return new Set(result.rows.flatMap((row) => ('doc' in row && row.doc?.enabled ? [row.doc.user_id] : [])));
}

async function target(store: Store, kind: Kind, userId: string): Promise<AccountDoc> {
	const account = ID_PATTERN.test(userId) ? await getAccount(store, userId) : null;
	if (!account || account.role === 'citizen' || (kind === 'kiosk') !== (account.role === 'kiosk')) throw new TawasulError(404, 'not_found');
	return account;
}

/** Ends every session of the account (and so everything cached about it). */
const signOut = (ctx: AdminContext, userId: string) => ctx.sessions.destroyAllSessionsOf(userId);

async function staffInput(body: unknown, entityOk: (id: string) => Promise<boolean>) {
	const fields = new Fields(body, ['username', 'name', 'role', 'entity_id', 'phone']);
	const username = fields.text('username', { min: 2, max: 64, pattern: USERNAME });
	const name = fields.text('name', { min: 2, max: 120 });
	const role = fields.oneOf('role', STAFF_ROLES);
	const entity = fields.text('entity_id', { max: 63, optional: true });
	const phone = phoneOf(fields);
	if (role === 'agent' || role === 'manager') {
		if (entity === undefined) fields.fail('entity_id', 'required');
		else if (!(await entityOk(entity))) fields.fail('entity_id', 'unknown_entity');
	}
	fields.done();
	return {
		username: required(username, 'username').toLowerCase(),
		name: required(name, 'name'),
		role: required(role, 'role'),
		...(role === 'agent' || role === 'manager' ? { entity_id: entity } : {}),
		...(phone ? { phone } : {})
	};
}

async function staffChange(body: unknown, current: AccountDoc, actor: SessionUser, entityOk: (id: string) => Promise<boolean>): Promise<Partial<AccountDoc>> {
	const fields = new Fields(body, ['name', 'role', 'entity_id', 'disabled', 'phone']);
	const name = fields.text('name', { min: 2, max: 120, optional: true });
	const role = fields.oneOf('role', STAFF_ROLES, { optional: true });
	const entity = fields.text('entity_id', { max: 63, optional: true });
	const disabled = fields.boolean('disabled', { optional: true });
	const phone = phoneOf(fields);
	// Nobody locks themselves out: another coordinator must demote or disable a coordinator.
	if (current.user_id === actor.user_id && ((role && role !== current.role) || disabled === true)) fields.fail(role ? 'role' : 'disabled', 'not_allowed');
	const nextRole: Role = role ?? current.role;
	const nextEntity = entity ?? current.entity_id;
	if (nextRole === 'agent' || nextRole === 'manager') {
		if (!nextEntity) fields.fail('entity_id', 'required');
		else if (entity !== undefined && !(await entityOk(entity))) fields.fail('entity_id', 'unknown_entity');
	}
	fields.done();
	const change: Partial<AccountDoc> = {};
	if (name !== undefined) change.name = name;
	if (role !== undefined) change.role = role;
	if (entity !== undefined) change.entity_id = entity;
	if (disabled !== undefined) change.disabled = disabled || undefined;
	if (phone !== undefined) change.phone = phone;
	return change;
}

function kioskChange(body: unknown): Partial<AccountDoc> {
	const fields = new Fields(body, ['name', 'location', 'disabled']);
	const name = fields.text('name', { min: 2, max: 120, optional: true });
	const location = fields.text('location', { min: 2, max: 200, optional: true });
	const disabled = fields.boolean('disabled', { optional: true });
	fields.done();
	const change: Partial<AccountDoc> = {};
	if (name !== undefined) change.name = name;
	if (location !== undefined) change.location = location;
	if (disabled !== undefined) change.disabled = disabled || undefined;
	return change;
}

function phoneOf(fields: Fields): string | undefined {
	const raw = fields.text('phone', { max: 32, optional: true });
	if (raw === undefined) return undefined;
	const e164 = normalizePhone(raw);
	if (e164 !== null) return e164;
	fields.fail('phone', 'invalid_phone');
	return undefined;
}
