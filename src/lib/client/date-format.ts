/** Dates for people: one formatter for every screen, in the interface language and the calendar
 * the person chose (issue 16). Pure, so it is tested without a browser. */

const CALENDARS = ['gregory', 'islamic-umalqura'] as const;
export type CalendarChoice = (typeof CALENDARS)[number];

export function isCalendarChoice(value: unknown): value is CalendarChoice {
	return typeof value === 'string' && (CALENDARS as readonly string[]).includes(value);
}

// Intl.DateTimeFormat construction costs far more than formatting, and a list formats a date per row.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** `date` written for `intlTag` (ar-BH keeps Arabic-Indic digits) in `calendar`, read in `timeZone`.
 * An explicit `options.calendar` wins: a Gregorian month of the statistics stays a Gregorian month. */
export function formatDate(date: Date, settings: { intlTag: string; calendar: CalendarChoice; timeZone: string }, options: Intl.DateTimeFormatOptions = { dateStyle: 'long' }): string {
	if (Number.isNaN(date.getTime())) return '';
	const full: Intl.DateTimeFormatOptions = { calendar: settings.calendar, timeZone: settings.timeZone, ...options };
	const key = `${settings.intlTag}|${JSON.stringify(full)}`;
	let formatter = formatters.get(key);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat(settings.intlTag, full);
		formatters.set(key, formatter);
	}
	return formatter.format(date);
}
