/** The public pages (issue 14): server-rendered HTML that search engines and link previews read
 * without running JavaScript, Arabic (right to left) by default and English, each with its
 * Open Graph tags, a canonical address and its other language as an alternate. Every value from
 * the store is escaped; links are only the http(s) addresses the domain accepted. */
import type { EntityDoc } from '../../../src/lib/domain/doc-types.js';
import type { PublicSuggestionDoc } from '../../../src/lib/domain/suggestion.js';
import { escapeHtml } from '../rating/page.js';
import { t, type Locale } from '../rating/i18n.js';

/** The path of the list of implemented suggestions in each language. */
export const PUBLIC_PATHS: Record<Locale, string> = { ar: '/public', en: '/public/en' };

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.6 system-ui,"Noto Sans Arabic","Segoe UI",Tahoma,sans-serif;color:#1b1f24;background:#f5f6f7}
header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem 1rem;padding:.75rem 1rem;background:#0b5d4b;color:#fff}
header a{color:#fff;display:inline-flex;align-items:center;min-block-size:2.75rem}
main{max-inline-size:50rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.3}
h2{font-size:1.2rem;line-height:1.4;margin:0 0 .5rem}
ol{list-style:none;margin:0;padding:0}
article{background:#fff;border:1px solid #d0d5da;border-inline-start:4px solid #0b5d4b;border-radius:.5rem;padding:1rem;margin-block:1rem;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:.5rem 0 0}
dt{font-weight:600}
dd{margin:0}
.change{white-space:pre-wrap}
a{color:#0b5d4b}
:focus-visible{outline:3px solid #f2b705;outline-offset:2px}
`;

export interface ListPage {
	locale: Locale;
	publicUrl: string;
	suggestions: PublicSuggestionDoc[];
	entities: Map<string, EntityDoc>;
}

const LOCALE_TAG: Record<Locale, string> = { ar: 'ar_BH', en: 'en_GB' };

/** A local date (YYYY-MM-DD) as people read it, Gregorian, Arabic or Latin digits by language. */
export function formatDay(day: string, locale: Locale): string {
	return new Intl.DateTimeFormat(locale === 'ar' ? 'ar-BH-u-ca-gregory' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

function item(locale: Locale, s: PublicSuggestionDoc, entities: Map<string, EntityDoc>): string {
	const entity = entities.get(s.entity_id);
	const entityName = entity ? (locale === 'en' ? entity.name_en : entity.name_ar) : s.entity_id;
	const proposer = s.proposer_name ?? t(locale, 'public.anonymous');
	const link = s.link ? `<p><a href="${escapeHtml(s.link)}" rel="noopener nofollow">${escapeHtml(t(locale, 'public.link'))}</a></p>` : '';
	const headingId = `s-${escapeHtml(s.public_id)}`;
	return `<li><article aria-labelledby="${headingId}">
<h2 id="${headingId}" dir="auto">${escapeHtml(s.title)}</h2>
<p class="change" dir="auto"><strong>${escapeHtml(t(locale, 'public.change'))}:</strong> ${escapeHtml(s.change)}</p>
${link}<dl>
<dt>${escapeHtml(t(locale, 'public.entity'))}</dt><dd>${escapeHtml(entityName)}</dd>
<dt>${escapeHtml(t(locale, 'public.implemented_on'))}</dt><dd><time datetime="${escapeHtml(s.implemented_on)}">${escapeHtml(formatDay(s.implemented_on, locale))}</time></dd>
<dt>${escapeHtml(t(locale, 'public.proposed_on'))}</dt><dd><time datetime="${escapeHtml(s.proposed_on)}">${escapeHtml(formatDay(s.proposed_on, locale))}</time></dd>
<dt>${escapeHtml(t(locale, 'public.proposer'))}</dt><dd dir="auto">${escapeHtml(proposer)}</dd>
</dl>
</article></li>`;
}

export function renderPublicList(page: ListPage): string {
	const { locale, publicUrl } = page;
	const other: Locale = locale === 'ar' ? 'en' : 'ar';
	const title = t(locale, 'public.title');
	const description = t(locale, 'public.description');
	const url = `${publicUrl}${PUBLIC_PATHS[locale]}`;
	const list = page.suggestions.length
		? `<p>${escapeHtml(t(locale, 'public.count', { count: page.suggestions.length }))}</p><ol>${page.suggestions.map((s) => item(locale, s, page.entities)).join('\n')}</ol>`
		: `<p>${escapeHtml(t(locale, 'public.empty'))}</p>`;
	return `<!doctype html>
<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — ${escapeHtml(t(locale, 'app.name'))}</title>
<meta name="description" content="${escapeHtml(description)}">
<link rel="canonical" href="${escapeHtml(url)}">
<link rel="alternate" hreflang="${locale}" href="${escapeHtml(url)}">
<link rel="alternate" hreflang="${other}" href="${escapeHtml(`${publicUrl}${PUBLIC_PATHS[other]}`)}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="${escapeHtml(t(locale, 'app.name'))}">
<meta property="og:title" content="${escapeHtml(title)}">
<meta property="og:description" content="${escapeHtml(description)}">
<meta property="og:url" content="${escapeHtml(url)}">
<meta property="og:locale" content="${LOCALE_TAG[locale]}">
<meta property="og:locale:alternate" content="${LOCALE_TAG[other]}">
<style>${STYLE}</style>
</head>
<body>
<header><a href="/">${escapeHtml(t(locale, 'app.name'))}</a><nav aria-label="${escapeHtml(t(locale, 'public.language'))}"><a href="${PUBLIC_PATHS[other]}" lang="${other}" hreflang="${other}">${escapeHtml(t(locale, 'lang.switch'))}</a></nav></header>
<main id="main">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(t(locale, 'public.intro'))}</p>
${list}
</main>
</body>
</html>`;
}

/** The sitemap: every public page, in both languages, each naming its other language. */
export function renderSitemap(publicUrl: string, lastModified: string | null): string {
	const urls = (['ar', 'en'] as const).map((locale) => {
		const alternates = (['ar', 'en'] as const).map((l) => `<xhtml:link rel="alternate" hreflang="${l}" href="${escapeHtml(`${publicUrl}${PUBLIC_PATHS[l]}`)}"/>`).join('');
		const lastmod = lastModified ? `<lastmod>${escapeHtml(lastModified)}</lastmod>` : '';
		return `<url><loc>${escapeHtml(`${publicUrl}${PUBLIC_PATHS[locale]}`)}</loc>${lastmod}${alternates}</url>`;
	});
	return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${urls.join('\n')}
</urlset>
`;
}
