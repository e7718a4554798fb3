import { describe, expect, it } from 'vitest';
import { dateParser } from './dates.js';

describe('dates', () => {
	it.each([
		['YYYY-MM-DD HH:mm:ss', 'UTC', '2019-03-10 14:05:09', '2019-03-10T14:05:09.000Z'],
		['YYYY-MM-DD HH:mm:ss', 'Asia/Bahrain', '2019-03-10 14:05:09', '2019-03-10T11:05:09.000Z'],
		['YYYY-MM-DD HH:mm:ss', 'America/New_York', '2019-07-01 08:00:00', '2019-07-01T12:00:00.000Z'],
		['YYYY-MM-DD HH:mm:ss', 'America/New_York', '2019-01-01 08:00:00', '2019-01-01T13:00:00.000Z'],
		['DD/MM/YYYY', 'Asia/Bahrain', '05/03/2019', '2019-03-04T21:00:00.000Z'],
		['D/M/YY h:mm A', 'UTC', '5/3/19 1:30 PM', '2019-03-05T13:30:00.000Z'],
		['D/M/YY h:mm A', 'UTC', '5/3/19 12:10 AM', '2019-03-05T00:10:00.000Z'],
		['DD/MM/YYYY hh:mm A', 'UTC', '٠٥/٠٣/٢٠١٩ ٠٩:١٥ م', '2019-03-05T21:15:00.000Z'],
		['YYYY-MM-DD HH:mm:ss.SSS', 'UTC', '2018-01-01 07:40:23.39', '2018-01-01T07:40:23.390Z'],
		['iso', 'Asia/Bahrain', '2019-03-10T14:05:09+05:00', '2019-03-10T09:05:09.000Z'],
		['iso', 'Asia/Bahrain', '2019-03-10T14:05:09Z', '2019-03-10T14:05:09.000Z'],
		['iso', 'Asia/Bahrain', '2019-03-10', '2019-03-09T21:00:00.000Z']
	])('%s in %s reads %s as %s', (format, zone, value, iso) => {
		expect(dateParser(format, zone)(value)).toEqual({ ok: true, iso });
	});

	it.each([
		['YYYY-MM-DD', '2019-02-31', 'impossible_date', /no day 31/],
		['YYYY-MM-DD', '2019-02-29', 'impossible_date', /no day 29/],
		['YYYY-MM-DD', '2019-13-01', 'impossible_date', /month 13/],
		['YYYY-MM-DD HH:mm', '2019-01-01 24:00', 'impossible_date', /no such time/],
		['h:mm A DD/MM/YYYY', '13:00 PM 01/01/2019', 'impossible_date', /12-hour/],
		['YYYY-MM-DD', '01/02/2019', 'invalid_date', /is not YYYY-MM-DD/],
		['YYYY-MM-DD', 'yesterday', 'invalid_date', /is not/],
		['iso', '2019-04-31T10:00:00Z', 'impossible_date', /no day 31/]
	])('%s refuses %s (%s)', (format, value, code, detail) => {
		const result = dateParser(format, 'UTC')(value);
		expect(result).toMatchObject({ ok: false, code });
		expect(result.ok ? '' : result.detail).toMatch(detail);
	});

	it('accepts 29 February in a leap year', () => {
		expect(dateParser('YYYY-MM-DD', 'UTC')('2020-02-29')).toEqual({ ok: true, iso: '2020-02-29T00:00:00.000Z' });
	});

	it.each([
		['MM/DD', /no year/],
		['YYYY-MM', /month and a day/],
		['YYYY-MM-DD hh:mm', /go with A/]
	])('refuses the format %s', (format, message) => {
		expect(() => dateParser(format, 'UTC')).toThrow(message);
	});

	it('refuses a misspelt time zone before reading anything', () => {
		expect(() => dateParser('iso', 'Asia/Manama-ish')).toThrow();
	});
});
