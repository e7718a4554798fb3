/**
 * First-start set-up: the databases, the national catalogue in `config`, and (for demos) one
 * account per role. Safe to run on every start: it only adds what is missing, so a coordinator's
 * later edits, and deletions, stay as they are.
 */
import { DB, type Role } from '../../../src/lib/domain/doc-types.js';
import { createStaff, findOrCreateCitizen, findStaff, type StaffRole } from '../auth/accounts.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import { log } from '../log.js';
import type { Store } from '../store.js';
import { catalogueDocs, type ConfigDoc } from './catalogue.js';

export const DEMO_PASSWORD = 'Tawasul-demo-2026';
export const DEMO_CITIZEN_PHONE = '+97336000001';

export interface DemoAccount {
	role: Role;
	name: string;
	/** The username, or for the citizen the phone number to request a code for. */
	login: string;
	/** Staff only; the citizen signs in with an SMS code from the outbox. */
	password?: string;
	user_id: string;
	entity_id?: string;
}

interface DemoStaff {
	username: string;
	role: StaffRole;
	name: string;
	entity_id?: string;
}

const DEMO_STAFF: DemoStaff[] = [
	{ username: 'agent.works', role: 'agent', name: 'موظف تجريبي — وزارة الأشغال', entity_id: 'works' },
	{ username: 'agent.health', role: 'agent', name: 'موظف تجريبي — وزارة الصحة', entity_id: 'health' },
	{ username: 'manager.works', role: 'manager', name: 'مدير تجريبي — وزارة الأشغال', entity_id: 'works' },
	{ username: 'coordinator', role: 'coordinator', name: 'المنسق الوطني التجريبي' },
	{ username: 'minister', role: 'minister', name: 'مكتب الوزير (تجريبي)' },
	{ username: 'kiosk1', role: 'kiosk', name: 'جهاز الخدمة الذاتية 1' }
];

export const SEEDED_DATABASES = [DB.INTAKE, DB.CONFIG, DB.CASES, DB.AUTH, DB.SMS, DB.ENGINE] as const;

/** Inserts the catalogue documents that have never existed; returns how many it wrote. */
async function seedConfig(store: Store): Promise<number> {
	const db = store.use<ConfigDoc>(DB.CONFIG);
	const docs = catalogueDocs();
	// _all_docs by key also lists deleted ids: a document the coordinator deleted is not brought back.
	const known = await db.fetchRevs({ keys: docs.map((doc) => doc._id) });
	const seen = new Set(known.rows.filter((row) => !('error' in row)).map((row) => row.key));
	const missing = docs.filter((doc) => !seen.has(doc._id));
	if (!missing.length) return 0;
	// Without a _rev a racing second instance gets a per-document conflict, never an overwrite.
	const results = await db.bulk({ docs: missing });
	const failed = results.filter((r) => r.error && r.error !== 'conflict');
	if (failed.length) throw new Error(`seeding config failed for ${failed.map((r) => r.id).join(', ')}`);
	return results.filter((r) => !r.error).length;
}

/** Another instance starting at the same moment may create the same account first: its
 * account is then the demo account (createStaff answers 409 for a username already taken). */
async function createOrFindStaff(store: Store, staff: DemoStaff) {
	try {
		return await createStaff(store, { ...staff, password: DEMO_PASSWORD });
	} catch (error) {
		if (!(error instanceof TawasulError) || error.status !== 409) throw error;
		const account = await findStaff(store, staff.username);
		if (!account) throw error;
		return account;
	}
}

async function seedDemoAccounts(store: Store): Promise<DemoAccount[]> {
	const citizenName = 'مواطن تجريبي';
	const citizen = await findOrCreateCitizen(store, DEMO_CITIZEN_PHONE, { name: citizenName });
	const accounts: DemoAccount[] = [
		{ role: 'citizen', name: citizen.name, login: DEMO_CITIZEN_PHONE, user_id: citizen.user_id }
	];
	for (const staff of DEMO_STAFF) {
		const account = (await findStaff(store, staff.username)) ?? (await createOrFindStaff(store, staff));
		const demo: DemoAccount = {
			role: account.role,
			name: account.name,
			login: staff.username,
			password: DEMO_PASSWORD,
			user_id: account.user_id
		};
		if (account.entity_id) demo.entity_id = account.entity_id;
		accounts.push(demo);
	}
	return accounts;
}

export async function seedStore(store: Store, options: { demo: boolean }): Promise<DemoAccount[]> {
	for (const name of SEEDED_DATABASES) await store.ensureDb(name);
	const written = await seedConfig(store);
	log.info('config seeded', { written });
	return options.demo ? seedDemoAccounts(store) : [];
}
