/** The rating pages: server-rendered HTML that works without JavaScript, phone-first, Arabic
 * (right to left) by default, with a link to switch language. Every value from a person or the
 * store is escaped; the comment is shown as the text it is. Each criterion is a fieldset whose
 * legend names it, and an error is tied to its field with aria-describedby and listed in a
 * summary at the top that links to the field. */
import { RATING_COMMENT_MAX, RATING_CRITERIA, SCORE_MAX, SCORE_MIN } from '../../../src/lib/domain/rating.js';
import { LIMITS } from '../../../src/lib/domain/validation.js';
import type { FieldError } from '../../../src/lib/domain/errors.js';
import { formatDate, formatNumber, t, type Locale } from './i18n.js';

const ENTITIES: Record<string, string | undefined> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string | number | boolean | null | undefined): string {
	return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.6 system-ui,"Noto Sans Arabic","Segoe UI",Tahoma,sans-serif;color:#1b1f24;background:#f5f6f7}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.75rem 1rem;background:#0b5d4b;color:#fff}
header a{color:#fff}
main{max-inline-size:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.3}
h2{font-size:1.15rem;margin-block:1.25rem .5rem}
.card{background:#fff;border:1px solid #d0d5da;border-radius:.5rem;padding:1rem;margin-block:1rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
.meta{color:#4a535c;font-size:.95rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:0}
dt{font-weight:600}
dd{margin:0}
fieldset{border:1px solid #b8c0c8;border-radius:.5rem;margin-block:1rem;padding:.75rem 1rem}
legend{font-weight:600;padding-inline:.25rem}
.scale{display:flex;flex-wrap:wrap;gap:.5rem}
.scale label{display:flex;align-items:center;gap:.4rem;min-block-size:2.75rem;padding-inline:.75rem;border:1px solid #b8c0c8;border-radius:.5rem;background:#fff;cursor:pointer}
input[type=radio]{inline-size:1.25rem;block-size:1.25rem;margin:0}
textarea{inline-size:100%;min-block-size:8rem;font:inherit;padding:.5rem;border:1px solid #6b7580;border-radius:.5rem}
button{font:inherit;font-weight:600;min-block-size:2.75rem;padding:.5rem 1.5rem;border:0;border-radius:.5rem;background:#0b5d4b;color:#fff;cursor:pointer}
:focus-visible{outline:3px solid #f2b705;outline-offset:2px}
.error{color:#a4161a;font-weight:600;margin:.25rem 0}
[aria-invalid=true]{border-color:#a4161a;border-width:2px}
.summary{border:2px solid #a4161a;background:#fff5f5;border-radius:.5rem;padding:.75rem 1rem}
.notice{border-inline-start:4px solid #0b5d4b;background:#fff;padding:.75rem 1rem}
`;

function layout(locale: Locale, title: string, body: string, switchHref: string | null): string {
	const other: Locale = locale === 'ar' ? 'en' : 'ar';
	const switcher = switchHref ? `<a href="${escapeHtml(switchHref)}" lang="${other}" hreflang="${other}">${escapeHtml(t(locale, 'lang.switch'))}</a>` : '';
	return `<!doctype html>
<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} — ${escapeHtml(t(locale, 'app.name'))}</title>
<style>${STYLE}</style>
</head>
<body>
<header><strong>${escapeHtml(t(locale, 'app.name'))}</strong><nav aria-label="${escapeHtml(t(locale, 'rating.language'))}">${switcher}</nav></header>
<main id="main">
${body}
</main>
</body>
</html>`;
}

export interface CaseFacts {
	entityName: string;
	ref: string;
	subject: string;
	body: string;
	replyBody: string;
	repliedAt: string;
}

export interface FormValues {
	scores: Record<string, string>;
	comment: string;
}

/** The message for a field error, in the page's language. */
function errorText(locale: Locale, error: FieldError): string {
	if (error.field === 'comment') return t(locale, 'rating.errors.comment_too_long', { max: formatNumber(RATING_COMMENT_MAX, locale) });
	if (error.field === 'reason') return t(locale, 'rating.errors.reason', { min: formatNumber(LIMITS.REASON_MIN, locale), max: formatNumber(LIMITS.REASON_MAX, locale) });
	return t(locale, error.code === 'required' ? 'rating.errors.required' : 'rating.errors.range');
}

const fieldId = (field: string) => (field.startsWith('scores.') ? `c-${field.slice(7)}` : field);

function summary(locale: Locale, errors: FieldError[], labelOf: (field: string) => string): string {
	if (errors.length === 0) return '';
	const items = errors.map((e) => `<li><a href="#${fieldId(e.field)}">${escapeHtml(labelOf(e.field))}: ${escapeHtml(errorText(locale, e))}</a></li>`).join('');
	return `<div class="summary" role="alert" tabindex="-1" id="errors"><p><strong>${escapeHtml(t(locale, 'rating.errors.summary'))}</strong></p><ul>${items}</ul></div>`;
}

export interface FormPage {
	locale: Locale;
	token: string;
	facts: CaseFacts;
	expiresAt: string;
	timeZone: string;
	values?: FormValues;
	errors?: FieldError[];
}

export function renderForm(page: FormPage): string {
	const { locale, facts } = page;
	const errors = page.errors ?? [];
	const values = page.values ?? { scores: {}, comment: '' };
	const byField = new Map(errors.map((e) => [e.field, e]));
	const labelOf = (field: string) => (field === 'comment' ? t(locale, 'rating.comment') : t(locale, `rating.criteria.${field.slice(7)}`));
	const action = `/r/${encodeURIComponent(page.token)}`;
	const criteria = RATING_CRITERIA.map((criterion) => {
		const error = byField.get(`scores.${criterion}`);
		const errId = `c-${criterion}-error`;
		const options = [];
		for (let score = SCORE_MIN; score <= SCORE_MAX; score++) {
			const id = score === SCORE_MIN ? `c-${criterion}` : `c-${criterion}-${score}`;
			const checked = values.scores[criterion] === String(score) ? ' checked' : '';
			options.push(`<label for="${id}"><input type="radio" id="${id}" name="${criterion}" value="${score}"${checked}>${escapeHtml(t(locale, `rating.scale.${score}`))}</label>`);
		}
		return `<fieldset${error ? ` aria-describedby="${errId}" aria-invalid="true"` : ''}>
<legend>${escapeHtml(t(locale, `rating.criteria.${criterion}`))}</legend>
${error ? `<p class="error" id="${errId}">${escapeHtml(errorText(locale, error))}</p>` : ''}
<div class="scale">${options.join('')}</div>
</fieldset>`;
	}).join('\n');
	const commentError = byField.get('comment');
	const describedBy = ['comment-hint', commentError ? 'comment-error' : ''].filter(Boolean).join(' ');
	const body = `
<h1>${escapeHtml(t(locale, 'rating.title'))}</h1>
<p>${escapeHtml(t(locale, 'rating.intro', { entity: facts.entityName }))}</p>
${summary(locale, errors, labelOf)}
<section class="card" aria-labelledby="question-title">
<h2 id="question-title">${escapeHtml(t(locale, 'rating.question'))}</h2>
<dl>
<dt>${escapeHtml(t(locale, 'rating.entity'))}</dt><dd>${escapeHtml(facts.entityName)}</dd>
<dt>${escapeHtml(t(locale, 'case.ref'))}</dt><dd><bdi dir="ltr">${escapeHtml(facts.ref)}</bdi></dd>
</dl>
<h3 dir="auto">${escapeHtml(facts.subject)}</h3>
<p class="text" dir="auto">${escapeHtml(facts.body)}</p>
</section>
<section class="card" aria-labelledby="reply-title">
<h2 id="reply-title">${escapeHtml(t(locale, 'rating.reply'))}</h2>
<p class="meta">${escapeHtml(t(locale, 'rating.replied_at', { date: formatDate(facts.repliedAt, locale, page.timeZone) }))}</p>
<p class="text" dir="auto">${escapeHtml(facts.replyBody)}</p>
</section>
<form method="post" action="${escapeHtml(action)}" novalidate>
<input type="hidden" name="lang" value="${locale}">
${criteria}
<p><label for="comment">${escapeHtml(t(locale, 'rating.comment'))}</label></p>
<p class="meta" id="comment-hint">${escapeHtml(t(locale, 'rating.comment_hint', { max: formatNumber(RATING_COMMENT_MAX, locale) }))}</p>
${commentError ? `<p class="error" id="comment-error">${escapeHtml(errorText(locale, commentError))}</p>` : ''}
<textarea id="comment" name="comment" dir="auto" maxlength="${RATING_COMMENT_MAX}" aria-describedby="${describedBy}"${commentError ? ' aria-invalid="true"' : ''}>${escapeHtml(values.comment)}</textarea>
<p><button type="submit">${escapeHtml(t(locale, 'rating.submit'))}</button></p>
</form>
<p class="meta">${escapeHtml(t(locale, 'rating.expires', { date: formatDate(page.expiresAt, locale, page.timeZone) }))}</p>`;
	return layout(locale, t(locale, 'rating.title'), body, `${action}?lang=${locale === 'ar' ? 'en' : 'ar'}`);
}

export type StatePage = 'expired' | 'used' | 'unknown' | 'malformed' | 'too_large' | 'busy';

const localNumbers = (params: Record<string, string | number>, locale: Locale) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? formatNumber(v, locale) : v]));

export function renderState(locale: Locale, state: StatePage, params: Record<string, string | number> = {}, switchHref: string | null = null): string {
	const title = t(locale, `rating.state.${state}_title`);
	const body = `<h1>${escapeHtml(title)}</h1>
<p class="notice">${escapeHtml(t(locale, `rating.state.${state}_body`, localNumbers(params, locale)))}</p>
<p><a href="/">${escapeHtml(t(locale, 'rating.home'))}</a></p>`;
	return layout(locale, title, body, switchHref);
}

export interface ThanksPage {
	locale: Locale;
	token: string;
	low: boolean;
	/** Until when the case may be reopened; null when it cannot be. */
	reopenUntil: string | null;
	timeZone: string;
	reason?: string;
	errors?: FieldError[];
}

export function renderThanks(page: ThanksPage): string {
	const { locale } = page;
	const errors = page.errors ?? [];
	const reasonError = errors.find((e) => e.field === 'reason');
	const action = `/r/${encodeURIComponent(page.token)}/reopen`;
	const reopen = page.reopenUntil
		? `<section class="card" aria-labelledby="reopen-title">
<h2 id="reopen-title">${escapeHtml(t(locale, 'rating.reopen.title'))}</h2>
<p>${escapeHtml(t(locale, 'rating.reopen.hint', { date: formatDate(page.reopenUntil, locale, page.timeZone) }))}</p>
<form method="post" action="${escapeHtml(action)}" novalidate>
<input type="hidden" name="lang" value="${locale}">
<p><label for="reason">${escapeHtml(t(locale, 'rating.reopen.reason'))}</label></p>
${reasonError ? `<p class="error" id="reason-error">${escapeHtml(errorText(locale, reasonError))}</p>` : ''}
<textarea id="reason" name="reason" dir="auto" maxlength="${LIMITS.REASON_MAX}"${reasonError ? ' aria-invalid="true" aria-describedby="reason-error"' : ''}>${escapeHtml(page.reason ?? '')}</textarea>
<p><button type="submit">${escapeHtml(t(locale, 'rating.reopen.submit'))}</button></p>
</form>
</section>`
		: '';
	const body = `${summary(locale, errors, () => t(locale, 'rating.reopen.reason'))}
<h1>${escapeHtml(t(locale, 'rating.thanks.title'))}</h1>
<p class="notice">${escapeHtml(t(locale, 'rating.thanks.body'))}</p>
${page.low ? `<p>${escapeHtml(t(locale, 'rating.thanks.low'))}</p>` : ''}
${reopen}
<p><a href="/">${escapeHtml(t(locale, 'rating.home'))}</a></p>`;
	return layout(locale, t(locale, 'rating.thanks.title'), body, null);
}

export function renderReopened(locale: Locale, outcome: 'reopened' | 'closed' | 'not_possible'): string {
	const title = outcome === 'reopened' ? t(locale, 'rating.reopen.done_title') : t(locale, 'rating.reopen.title');
	const text = outcome === 'reopened' ? t(locale, 'rating.reopen.done_body') : t(locale, `rating.reopen.${outcome}`);
	return layout(locale, title, `<h1>${escapeHtml(title)}</h1>\n<p class="notice">${escapeHtml(text)}</p>\n<p><a href="/">${escapeHtml(t(locale, 'rating.home'))}</a></p>`, null);
}
