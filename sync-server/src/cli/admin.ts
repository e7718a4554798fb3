/** npm run admin -- create-coordinator --username <name> --name "<full name>"
 *
 * Makes the first coordinator of a production service (there are no demo accounts there) and
 * prints a one-time password, once. At first sign-in the coordinator enrols an authenticator
 * (required for the role) and must choose a new password before anything else. Uses the same
 * environment as the server (COUCHDB_URL, or DATA_DIR with the server stopped). */
import { randomBytes } from 'node:crypto';
import { createStaff } from '../auth/accounts.js';
import { args, openCliStore, run, UsageError } from './common.js';

/** 144 random bits, like the passwords a coordinator's reset gives (admin/staff-routes.ts). */
const oneTimePassword = () => randomBytes(18).toString('base64url');

const USAGE = 'usage: npm run admin -- create-coordinator --username <username> --name "<full name>"';

run(async () => {
	const { values, positionals } = args({ username: { type: 'string' }, name: { type: 'string' } }, USAGE);
	if (positionals[0] !== 'create-coordinator' || positionals.length !== 1) throw new UsageError(USAGE);
	if (!values.username || !values.name?.trim()) throw new UsageError(`--username and --name are both required\n${USAGE}`);
	const store = await openCliStore();
	try {
		const password = oneTimePassword();
		const account = await createStaff(store, { username: values.username, name: values.name.trim(), role: 'coordinator', password, mustChangePassword: true }).catch((error: unknown) => {
			const code = (error as { code?: string; status?: number }).code;
			if ((error as { status?: number }).status === 409) throw new UsageError(`the username ${values.username} is taken`);
			if (code === 'invalid_format') throw new UsageError('the username must be 2 to 64 lower-case letters, digits, dots, dashes or underscores');
			throw error;
		});
		process.stdout.write(
			[
				`Coordinator ${account.username} created (${account.user_id}).`,
				`One-time password: ${password}`,
				'It is shown only now. At first sign-in the coordinator enrols an authenticator app and chooses a new password.',
				''
			].join('\n')
		);
		return true;
	} finally {
		await store.close();
	}
});
