import { describe, expect, it } from 'vitest';
import type { EntityDoc } from '../../../src/lib/domain/doc-types.js';
import type { PublicSuggestionDoc } from '../../../src/lib/domain/suggestion.js';
import { formatDay, renderPublicList, renderSitemap } from './pages.js';

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

const render = (locale: 'ar' | 'en', suggestions: PublicSuggestionDoc[]) =>
	renderPublicList({ locale, publicUrl: 'https://tawasul.example', suggestions, entities: new Map([['works', WORKS]]) });

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
		expect(xml.match(/<url>/g)).toHaveLength(2);
		expect(xml).toContain('<loc>https://tawasul.example/public/en</loc><lastmod>2026-12-01T09:00:00.000Z</lastmod>');
		expect(renderSitemap('https://tawasul.example', null)).not.toContain('lastmod');
	});
});
