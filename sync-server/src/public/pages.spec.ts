import { describe, expect, it } from 'vitest';
import type { EntityDoc } from '../../../src/lib/domain/doc-types.js';
import type { PublicSuggestionDoc } from '../../../src/lib/domain/suggestion.js';
import type { Report, ReportRow } from '../../../src/lib/domain/stats/report.js';
import { DEFAULT_CONVENTIONS } from '../../../src/lib/domain/stats/model.js';
import { formatDay, renderFigures, renderPublicList, renderSitemap, type PublicPeriod } from './pages.js';

const WORKS: EntityDoc = { _id: 'entity:works', type: 'entity', entity_id: 'works', name_ar: 'وزارة الأشغال', name_en: 'Ministry of Works', active: true };

const suggestion = (fields: Partial<PublicSuggestionDoc> = {}): PublicSuggestionDoc => ({
	_id: 'sug:2026-11-30:p1',
	type: 'public_suggestion',
	public_id: 'p1',
	entity_id: 'works',
	category_id: 'works-general',
	title: 'eKey at the machines',
	change: 'Added to 40 machines.',
	implemented_on: '2026-11-30',
	proposed_on: '2026-01-10',
	proposer_name: null,
	published_at: '2026-12-01T09:00:00.000Z',
	...fields
});

const render = (locale: 'ar' | 'en', suggestions: PublicSuggestionDoc[]) => renderPublicList({ locale, publicUrl: 'https://tawasul.example', suggestions, entities: new Map([['works', WORKS]]) });

describe('the public list', () => {
	it('escapes what people wrote: a title or a change cannot add markup or tags', () => {
		const html = render('en', [suggestion({ title: '<script>alert(1)</script>', change: '"><meta property="og:title" content="pwned">', proposer_name: '<b>Ali</b>' })]);
		expect(html).not.toContain('<script>alert');
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(html.match(/property="og:title"/g)).toHaveLength(1);
		expect(html).toContain('&lt;b&gt;Ali&lt;/b&gt;');
	});

	it('names the entity in the page language and says when no name is shown', () => {
		expect(render('ar', [suggestion()])).toContain('وزارة الأشغال');
		const en = render('en', [suggestion()]);
		expect(en).toContain('Ministry of Works');
		expect(en).toContain('A citizen (name not shown)');
		expect(en).toContain('<time datetime="2026-11-30">30 November 2026</time>');
	});

	it('has its Open Graph tags, canonical address and other language', () => {
		const ar = render('ar', []);
		expect(ar).toContain('<meta property="og:url" content="https://tawasul.example/public">');
		expect(ar).toContain('<meta property="og:locale" content="ar_BH">');
		expect(ar).toContain('<link rel="alternate" hreflang="en" href="https://tawasul.example/public/en">');
		expect(ar).toContain('لم يُنشر أي اقتراح منفّذ بعد.');
	});

	it('shows a link only when the suggestion has one', () => {
		expect(render('en', [suggestion()])).not.toContain('More about this change');
		expect(render('en', [suggestion({ link: 'https://x.example.bh/a?b=1&c=2' })])).toContain('href="https://x.example.bh/a?b=1&amp;c=2"');
	});
});

describe('dates and the sitemap', () => {
	it('formats a day as the day it is, in either language', () => {
		expect(formatDay('2026-01-01', 'en')).toBe('1 January 2026');
		expect(formatDay('2026-01-01', 'ar')).toMatch(/يناير/);
	});

	it('lists both languages, each naming the other, with the last publication', () => {
		const xml = renderSitemap('https://tawasul.example', '2026-12-01T09:00:00.000Z');
		expect(xml.match(/<url>/g)).toHaveLength(6);
		expect(xml).toContain('<loc>https://tawasul.example/public/en/figures</loc><xhtml:link');
		expect(xml).toContain('<loc>https://tawasul.example/public/reports</loc><xhtml:link');
		expect(xml).toContain('<loc>https://tawasul.example/public/en</loc><lastmod>2026-12-01T09:00:00.000Z</lastmod>');
		expect(renderSitemap('https://tawasul.example', null)).not.toContain('lastmod');
	});
});

const figuresRow = (fields: Partial<ReportRow>): ReportRow => ({
	scope: 'entity',
	entity_id: 'works',
	name_ar: 'وزارة الأشغال',
	name_en: 'Ministry of Works',
	entities: null,
	cases: 0,
	inquiries: 0,
	complaints: 0,
	inquiries_and_complaints: 0,
	suggestions: 0,
	replied: 0,
	within_period_pct: null,
	within_period_pct_due_only: null,
	within_period_pct_no_due_on_time: null,
	avg_days_to_reply: null,
	open: 0,
	overdue: 0,
	no_due: 0,
	suggestions_under_study: 0,
	suggestions_implemented: 0,
	satisfaction_handling: null,
	satisfaction_clarity: null,
	satisfaction_courtesy: null,
	satisfaction_ease_of_use: null,
	rating_response_rate_pct: null,
	...fields
});

const period = (year: number, complete: boolean, national: Partial<ReportRow>, entities: Partial<ReportRow>[]): PublicPeriod => {
	const report: Report = {
		from: `${year}-01-01`,
		to: complete ? `${year}-12-31` : `${year}-06-30`,
		generated_at: '2026-06-30T10:00:00.000Z',
		conventions: DEFAULT_CONVENTIONS,
		national: figuresRow({ scope: 'national', entity_id: null, name_ar: null, name_en: null, ...national }),
		entities: entities.map(figuresRow)
	};
	return { year, complete, report };
};

describe('the public figures', () => {
	const periods = [
		period(2026, false, { entities: 1, inquiries_and_complaints: 179421, suggestions: 6012, within_period_pct: 99.3, avg_days_to_reply: 3.04, suggestions_implemented: 12 }, [
			{ name_en: 'Ministry of <Works>', inquiries_and_complaints: 179421, suggestions: 6012, within_period_pct: 99.3, avg_days_to_reply: 3.04, suggestions_implemented: 12 }
		]),
		period(2025, true, {}, [])
	];

	it('shows the national and per-entity figures in the digits of the language, with the raw value beside each', () => {
		const en = renderFigures({ locale: 'en', publicUrl: 'https://tawasul.example', periods });
		expect(en).toContain('<dd data-figure="inquiries_and_complaints" data-value="179421">179,421</dd>');
		expect(en).toContain('<dd data-figure="within_period_pct" data-value="99.3">99.3%</dd>');
		expect(en).toContain('<td data-figure="avg_days_to_reply" data-value="3.04">3</td>');
		expect(en).toContain('Ministry of &lt;Works&gt;');
		expect(en).toContain('2026 so far (to 30 June 2026)');
		expect(en).toContain('<h2 id="period-1">The year 2025</h2><p>No case was received in this period.</p>');
		expect(en).toContain('<a href="/public/en/figures" aria-current="page">');
		expect(en).toContain('<link rel="canonical" href="https://tawasul.example/public/en/figures">');
		const ar = renderFigures({ locale: 'ar', publicUrl: 'https://tawasul.example', periods });
		expect(ar).toContain('data-value="179421">١٧٩٬٤٢١</dd>');
		expect(ar).toContain('<link rel="alternate" hreflang="en" href="https://tawasul.example/public/en/figures">');
	});

	it('says a figure that needs answers is not there yet, rather than 0', () => {
		const html = renderFigures({ locale: 'en', publicUrl: 'https://tawasul.example', periods: [period(2026, false, { entities: 1, suggestions: 1 }, [{ suggestions: 1 }])] });
		expect(html).toContain('<dd data-figure="within_period_pct" data-value="">Not enough answers yet</dd>');
	});
});
