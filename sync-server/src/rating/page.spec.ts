import { describe, expect, it } from 'vitest';
import { escapeHtml, renderForm, renderState } from './page.js';
import { derivedActionId, hashToken, newToken, TOKEN_PATTERN } from './tokens.js';

const facts = { entityName: 'وزارة الأشغال', ref: '26-000001-7', subject: 'حفرة <img src=x onerror=alert(1)>', body: 'نص', replyBody: 'Fixed "soon" & done', repliedAt: '2026-03-01T09:00:00Z' };

describe('rating page', () => {
	it('escapes everything a person or the store wrote', () => {
		expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
		const html = renderForm({
			locale: 'ar',
			token: 'A'.repeat(43),
			facts,
			expiresAt: '2026-03-15T09:00:00Z',
			timeZone: 'Asia/Bahrain',
			values: { scores: {}, comment: '</textarea><script>x</script>' }
		});
		expect(html).not.toContain('<img src=x');
		expect(html).not.toContain('<script>x');
		expect(html).toContain('Fixed &quot;soon&quot; &amp; done');
		expect(html).not.toMatch(/<script/i);
	});

	it('is right-to-left in Arabic with a switch to English, and the reverse', () => {
		const ar = renderForm({ locale: 'ar', token: 'A'.repeat(43), facts, expiresAt: '2026-03-15T09:00:00Z', timeZone: 'Asia/Bahrain' });
		expect(ar).toContain('<html lang="ar" dir="rtl">');
		expect(ar).toContain(`href="/r/${'A'.repeat(43)}?lang=en" lang="en"`);
		const en = renderState('en', 'expired', { date: '15 March 2026' });
		expect(en).toContain('<html lang="en" dir="ltr">');
		expect(en).toContain('15 March 2026');
	});

	it('ties each error to its fieldset and lists it in a summary linking to the field', () => {
		const html = renderForm({
			locale: 'en',
			token: 'A'.repeat(43),
			facts,
			expiresAt: '2026-03-15T09:00:00Z',
			timeZone: 'Asia/Bahrain',
			values: { scores: { clarity: '4' }, comment: '' },
			errors: [
				{ field: 'scores.handling', code: 'required' },
				{ field: 'comment', code: 'too_long', params: { max: 2000 } }
			]
		});
		expect(html).toMatch(/<fieldset aria-describedby="c-handling-error" aria-invalid="true">\s*<legend>How your case was handled<\/legend>/);
		expect(html).toContain('<a href="#c-handling">');
		expect(html).toContain('aria-describedby="comment-hint comment-error"');
		expect(html).toMatch(/id="c-clarity-4" name="clarity" value="4" checked/);
		expect((html.match(/<fieldset/g) ?? []).length).toBe(4);
	});
});

describe('tokens', () => {
	it('are 256 random bits in 43 base64url characters, and stored as a SHA-256', () => {
		const a = newToken();
		expect(a).toMatch(TOKEN_PATTERN);
		expect(Buffer.from(a, 'base64url')).toHaveLength(32);
		expect(newToken()).not.toBe(a);
		expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
	});

	it('derive stable action ids in the server namespace, which the gate refuses from devices', () => {
		expect(derivedActionId('rate:act:x')).toBe(derivedActionId('rate:act:x'));
		expect(derivedActionId('rate:act:x')).toMatch(/^act:srv:[0-9a-f]{40}$/);
		expect(derivedActionId('rate:act:x')).not.toBe(derivedActionId('reopen:act:x'));
	});
});

describe('SMS texts', async () => {
	const { builtInSmsText } = await import('../sms/texts.js');
	const { fillSmsText } = await import('../../../src/lib/domain/sms-texts.js');
	const params = { entity: 'Ministry of Works', ref: '26-000001-7', link: 'https://t.bh/r/x' };

	it("come from the catalogue in the citizen's language", () => {
		expect(fillSmsText('rating_invite', builtInSmsText('rating_invite', 'en'), params)).toBe(
			'Tawasul: Ministry of Works replied to your case 26-000001-7. Rate the reply within 14 days: https://t.bh/r/x'
		);
		expect(fillSmsText('rating_invite', builtInSmsText('rating_invite', 'ar'), { ...params, entity: 'وزارة الأشغال' })).toContain('وزارة الأشغال');
		expect(fillSmsText('sign_in_code', builtInSmsText('sign_in_code', 'en'), { code: '123456', minutes: '5' })).toBe('Your Tawasul sign-in code: 123456. Valid for 5 minutes.');
		expect(fillSmsText('sign_in_code', builtInSmsText('sign_in_code', 'ar'), { code: '123456', minutes: '5' })).toBe('رمز الدخول إلى تواصل: 123456. صالح لمدة 5 دقائق.');
	});

	it("follow the coordinator's wording, and never lose the link", () => {
		expect(fillSmsText('rating_invite', 'Rate {ref}: {link}', params)).toBe('Rate 26-000001-7: https://t.bh/r/x');
		expect(fillSmsText('rating_invite', 'Please rate {entity}', params)).toBe('Please rate Ministry of Works https://t.bh/r/x');
	});
});
