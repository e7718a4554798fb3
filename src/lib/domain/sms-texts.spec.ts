import { describe, expect, it } from 'vitest';
import { fillSmsText, isSmsTextKey, placeholdersIn } from './sms-texts';

describe('SMS texts', () => {
	it('knows the texts that can be reworded, and no others', () => {
		expect(isSmsTextKey('rating_invite')).toBe(true);
		expect(isSmsTextKey('sign_in_code')).toBe(true);
		for (const key of ['notice_reference_issued', 'notice_info_requested', 'notice_transferred', 'notice_reopened']) expect(isSmsTextKey(key)).toBe(true);
		expect(isSmsTextKey('rating.invite')).toBe(false);
		expect(isSmsTextKey('toString')).toBe(false);
	});

	it('lists the placeholders a text uses', () => {
		expect(placeholdersIn('{ref} by {entity}: {link} ({ref})')).toEqual(['ref', 'entity', 'link']);
		expect(placeholdersIn('no placeholders')).toEqual([]);
	});

	it('fills the placeholders and adds a required value the text left out', () => {
		expect(fillSmsText('sign_in_code', 'Code {code}, {minutes} min', { code: '123456', minutes: '5' })).toBe('Code 123456, 5 min');
		expect(fillSmsText('sign_in_code', 'Your code follows', { code: '123456', minutes: '5' })).toBe('Your code follows 123456');
		expect(fillSmsText('rating_invite', 'Rate {ref}', { ref: 'A-1', entity: 'Works', link: 'https://x/r/t' })).toBe('Rate A-1 https://x/r/t');
		// A notice reworded without the reference number still carries it.
		expect(fillSmsText('notice_transferred', '{entity} has your case now', { ref: 'A-1', entity: 'Health', from_entity: 'Works' })).toBe('Health has your case now A-1');
	});
});
