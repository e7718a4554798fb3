/**
 * First-start set-up: the databases, the national catalogue in `config`, and (for demos, in
 * development mode) one account per role with a password generated at first start
 * (demo-passwords.ts). Safe to run on every start: it only adds what is missing, so a
 * coordinator's later edits, and deletions, stay as they are.
 */
import { DB, type Role } from '../../../src/lib/domain/doc-types.js';
import { createStaff, findOrCreateCitizen, findStaff, setPassword, type StaffRole } from '../auth/accounts.js';
import { verifyPassword } from '../auth/passwords.js';
import type { AccountDoc } from '../auth/types.js';
import { log } from '../log.js';
import type { Store } from '../store.js';
import { catalogueDocs, type ConfigDoc } from './catalogue.js';
import { newDemoPassword, readDemoPasswords, writeDemoPasswords } from './demo-passwords.js';

const DEMO_CITIZEN_PHONE = '+97336000001';

export interface DemoAccount {
	role: Role;
	name: string;
	/** The username, or for the citizen the phone number to request a code for. */
	login: string;
	/** Staff only, and only at the start that created the account (printed once; afterwards it
	 * is in the passwords file). The citizen signs in with an SMS code from the outbox. */
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
	{ username: 'minister', role: 'minister', name: 'مكتب الوزير (تجريبي)' }
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

/** The one password every demo account had before they were generated, and which is therefore
 * public: a data folder from then still has accounts that open with it. */
const PUBLISHED_DEMO_PASSWORD = 'Tawasul-demo-2026';

/** Demo accounts of an older data folder that still open with the published password get a
 * generated one (written to the file first, like a new account's). */
async function replacePublishedPasswords(store: Store, passwordsFile: string, passwords: Record<string, string>, existing: Map<string, AccountDoc | null>): Promise<Set<string>> {
	const replaced = new Set<string>();
	for (const staff of DEMO_STAFF) {
		const account = existing.get(staff.username);
		if (!account?.password_hash || passwords[staff.username]) continue;
		if (!(await verifyPassword(account.password_hash, PUBLISHED_DEMO_PASSWORD))) continue;
		passwords[staff.username] = newDemoPassword();
		writeDemoPasswords(passwordsFile, passwords);
		await setPassword(store, account.user_id, passwords[staff.username]);
		replaced.add(staff.username);
	}
	return replaced;
}

/** The demo staff accounts missing from the store, each made with the password kept for it in
 * the file (a new one written there first when there is none). */
async function seedDemoStaff(store: Store, passwordsFile: string): Promise<DemoAccount[]> {
	const existing = new Map<string, AccountDoc | null>();
	for (const staff of DEMO_STAFF) existing.set(staff.username, await findStaff(store, staff.username));
	const passwords = readDemoPasswords(passwordsFile);
	const replaced = await replacePublishedPasswords(store, passwordsFile, passwords, existing);
	const missing = DEMO_STAFF.filter((staff) => !existing.get(staff.username) && !passwords[staff.username]);
	if (missing.length) {
		for (const staff of missing) passwords[staff.username] = newDemoPassword();
		writeDemoPasswords(passwordsFile, passwords);
	}
	const accounts: DemoAccount[] = [];
	for (const staff of DEMO_STAFF) {
		let account = existing.get(staff.username);
		let created = replaced.has(staff.username);
		if (!account) {
			account = await createStaff(store, { ...staff, password: passwords[staff.username] }).catch(async (error: unknown) => {
				// Another instance on the same store made it first, with a password of its own.
				if ((error as { status?: number }).status !== 409) throw error;
				Reflect.deleteProperty(passwords, staff.username);
				writeDemoPasswords(passwordsFile, passwords);
				return findStaff(store, staff.username);
			});
			if (!account) throw new Error(`demo account ${staff.username} vanished while being created`);
			// Made here unless the catch above dropped its password.
			created = Object.hasOwn(passwords, staff.username);
		}
		const demo: DemoAccount = { role: account.role, name: account.name, login: staff.username, user_id: account.user_id };
		if (created) demo.password = passwords[staff.username];
		if (account.entity_id) demo.entity_id = account.entity_id;
		accounts.push(demo);
	}
	return accounts;
}

async function seedDemoAccounts(store: Store, passwordsFile: string): Promise<DemoAccount[]> {
	const citizenName = 'مواطن تجريبي';
	const citizen = await findOrCreateCitizen(store, DEMO_CITIZEN_PHONE, { name: citizenName });
	const staff = await seedDemoStaff(store, passwordsFile);
	return [{ role: 'citizen', name: citizen.name, login: DEMO_CITIZEN_PHONE, user_id: citizen.user_id }, ...staff];
}

/** `passwordsFile`: where the demo accounts' passwords are kept (required with `demo`). */
export async function seedStore(store: Store, options: { demo: boolean; passwordsFile?: string }): Promise<DemoAccount[]> {
	for (const name of SEEDED_DATABASES) await store.ensureDb(name);
	const written = await seedConfig(store);
	log.info('config seeded', { written });
	if (!options.demo) return [];
	if (!options.passwordsFile) throw new Error('demo accounts need a file for their passwords');
	return seedDemoAccounts(store, options.passwordsFile);
}
