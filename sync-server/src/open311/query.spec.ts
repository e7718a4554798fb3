import { describe, expect, it } from 'vitest';
import { buildCatalogue } from '../engine/catalogue.js';
import { parseRequestQuery, parseW3 } from './query.js';
import { prefixesOf } from './requests.js';
import { Open311Error } from './format.js';

const catalogue = buildCatalogue([
	{ _id: 'entity:works', type: 'entity', entity_id: 'works', name_ar: 'وزارة الأشغال', name_en: 'Ministry of Works', active: true },
	{ _id: 'category:works-potholes', type: 'category', category_id: 'works-potholes', entity_id: 'works', name_ar: 'حفر', name_en: 'Potholes', case_types: ['complaint'] },
	{ _id: 'category:works-lights', type: 'category', category_id: 'works-lights', entity_id: 'works', name_ar: 'إنارة', name_en: 'Lights', case_types: ['complaint'] }
]);
const NOW = new Date('2026-06-01T12:00:00Z');
const parse = (query: string) => parseRequestQuery(new URLSearchParams(query), catalogue, NOW);

describe('w3 datetimes', () => {
	it.each([
		['2010-01-01T00:00:00Z', '2010-01-01T00:00:00.000Z'],
		['1994-11-05T08:15:30-05:00', '1994-11-05T13:15:30.000Z'],
		['2026-02-28T23:59+03:00', '2026-02-28T20:59:00.000Z']
	])('reads %s', (text, iso) => expect(parseW3(text)).toBe(iso));

	it.each(['2026-02-30T00:00:00Z', '2026-01-01T00:00:00', '2026-01-01', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', 'yesterday', '2026-01-01T00:00:00+3'])('refuses %s', (text) => {
		expect(parseW3(text)).toBeNull();
	});
});

describe('GET requests arguments', () => {
	it('default to the last 90 days, the first page of 100, all services and statuses', () => {
		expect(parse('')).toEqual({ kind: 'search', query: { codes: [], statuses: [], start: '2026-03-03T12:00:00.000Z', end: '2026-06-01T12:00:00.000Z', offset: 0, limit: 100 } });
	});

	it('take 90 days after a start date alone, and 90 days before an end date alone', () => {
		expect(parse('start_date=2026-01-01T00:00:00Z')).toMatchObject({ query: { start: '2026-01-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' } });
		expect(parse('end_date=2026-04-01T00:00:00Z')).toMatchObject({ query: { start: '2026-01-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' } });
	});

	it('let ids override everything else', () => {
		expect(parse('service_request_id=26-000001-7,26-000002-5&status=bogus&page_size=0')).toEqual({ kind: 'ids', ids: ['26-000001-7', '26-000002-5'] });
	});

	it('read both statuses as all, and pages as an offset', () => {
		expect(parse('status=open,closed&page=3&page_size=20&service_code=works-lights,works-potholes,works-lights')).toMatchObject({
			query: { statuses: [], codes: ['works-lights', 'works-potholes'], offset: 40, limit: 20 }
		});
	});

	it.each([
		['page_size=1001', 400],
		['page=0', 400],
		['page=11&page_size=1000', 400],
		['status=pending', 400],
		['start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:01Z', 400],
		['start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z', 400],
		['status=open&status=closed', 400],
		['service_code=no-such', 404]
	])('refuse %s with %i', (query, status) => {
		expect(() => parse(query)).toThrow(Open311Error);
		try {
			parse(query);
		} catch (error) {
			expect((error as Open311Error).status).toBe(status);
			expect((error as Open311Error).errors[0].code).toBe(status);
		}
	});

	it('list every problem of a request at once', () => {
		try {
			parse('status=pending&page_size=5000&start_date=soon');
			expect.unreachable();
		} catch (error) {
			expect((error as Open311Error).errors).toHaveLength(3);
		}
	});
});

describe('the key ranges a search reads', () => {
	it.each([
		[{ codes: [], statuses: [] }, ['*']],
		[{ codes: [], statuses: ['open'] }, ['s:open']],
		[{ codes: ['a', 'b'], statuses: [] }, ['c:a', 'c:b']],
		[{ codes: ['a'], statuses: ['closed'] }, ['cs:a:closed']]
	] as const)('%j', (query, prefixes) => {
		expect(prefixesOf({ codes: [...query.codes], statuses: [...query.statuses] })).toEqual(prefixes);
	});
});
