import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../auth/types.js';
import { submitAction } from '../../../tests/integration/harness.js';
import { checkAction } from './intake.js';

const NOW = new Date('2026-12-06T08:00:00.000Z');
const citizen = (fields: Partial<SessionUser> = {}): SessionUser => ({
	user_id: 'c7f3a9e2b1',
	role: 'citizen',
	name: '',
	phone: '+97336000061',
	databases: { pull: ['u_c7f3a9e2b1'], push: 'intake' },
	...fields
});

function stamped(user: SessionUser, doc: Record<string, unknown> = submitAction()) {
	const verdict = checkAction(doc, JSON.stringify(doc).length, user, NOW);
	if (!verdict.ok) throw new Error(`refused: ${verdict.reason}`);
	return verdict.doc;
}

describe("the citizen's label on a submission (issue 16: staff saw an internal id)", () => {
	it('is the masked phone of the session, with nothing more of the number', () => {
		const doc = stamped(citizen());
		expect(doc.citizen_label).toEqual({ masked_phone: '+973 •••• 0061' });
		expect(JSON.stringify(doc.citizen_label)).not.toContain('36000061');
	});

	it('is the name when the session has one (an eKey sign-in)', () => {
		expect(stamped(citizen({ name: 'Fatima Ali' })).citizen_label).toEqual({ name: 'Fatima Ali' });
	});

	it('is absent without a name or a phone, and on anything but a submission', () => {
		expect(stamped(citizen({ phone: undefined })).citizen_label).toBeUndefined();
		const reply = { ...submitAction(), kind: 'provide_info', body: 'More detail.' };
		for (const key of ['case_type', 'category_id', 'subject', 'locale', 'location']) delete (reply as Record<string, unknown>)[key];
		expect(stamped(citizen(), reply).citizen_label).toBeUndefined();
	});

	it('cannot be sent by a device', () => {
		const doc = submitAction({ citizen_label: { name: 'The Minister' } });
		const verdict = checkAction(doc, JSON.stringify(doc).length, citizen(), NOW);
		expect(verdict.ok).toBe(false);
	});
});
