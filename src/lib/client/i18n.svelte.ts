import { isCalendarChoice, formatDate, type CalendarChoice } from './date-format';
import { CATALOGUES, interpolate, LOCALES, type Locale } from './messages';

const STORAGE_KEY = 'tawasul.locale';
const CALENDAR_KEY = 'tawasul.calendar';
/** Intl tags: Bahraini Arabic (Arabic-Indic digits, Gregorian calendar) and British English. */
const INTL_TAG: Record<Locale, string> = { ar: 'ar-BH', en: 'en-GB' };
const DEFAULT_TIME_ZONE = 'Asia/Bahrain';

type Params = Record<string, string | number>;

function storedLocale(): Locale {
	try {
		const value = localStorage.getItem(STORAGE_KEY);
		if (value && (LOCALES as readonly string[]).includes(value)) return value as Locale;
	} catch {
		// Storage can be blocked (private mode, policy); Arabic is the default then.
	}
	return 'ar';
}

function storedCalendar(): CalendarChoice {
	try {
		const value = localStorage.getItem(CALENDAR_KEY);
		if (isCalendarChoice(value)) return value;
	} catch {
		// Storage can be blocked; the Gregorian calendar is the default then.
	}
	return 'gregory';
}

/** The interface language. Arabic is the default; the choice is kept in localStorage and applied
 * to `<html lang dir>` (app.html applies it once more before the first paint). */
class I18n {
	locale = $state<Locale>(typeof localStorage === 'undefined' ? 'ar' : storedLocale());
	/** The zone dates are shown in: the national default until mirror-config's settings are read
	 * (the root layout applies `settings.time_zone` with setTimeZone). */
	timeZone = $state(DEFAULT_TIME_ZONE);
	/** The calendar dates are shown in: Gregorian, or Hijri (Umm al-Qura) by the person's choice,
	 * kept on this device like the language. */
	calendar = $state<CalendarChoice>(typeof localStorage === 'undefined' ? 'gregory' : storedCalendar());

	/** The national time zone from `config/settings` (the coordinator may change it); a name this
	 * browser's Intl does not know keeps the current one, so dates never fail to render. */
	setTimeZone(zone: string | null | undefined): void {
		if (!zone || zone === this.timeZone) return;
		try {
			new Intl.DateTimeFormat('en', { timeZone: zone });
			this.timeZone = zone;
		} catch {
			// An unknown zone: keep showing the national default.
		}
	}

	get dir(): 'rtl' | 'ltr' {
		return this.locale === 'ar' ? 'rtl' : 'ltr';
	}

	get intlTag(): string {
		return INTL_TAG[this.locale];
	}

	get other(): Locale {
		return this.locale === 'ar' ? 'en' : 'ar';
	}

	setLocale(locale: Locale): void {
		this.locale = locale;
		try {
			localStorage.setItem(STORAGE_KEY, locale);
		} catch {
			// Not kept across reloads then; the switch still works for this visit.
		}
		this.apply();
	}

	setCalendar(calendar: CalendarChoice): void {
		this.calendar = calendar;
		try {
			localStorage.setItem(CALENDAR_KEY, calendar);
		} catch {
			// Not kept across reloads then; the switch still works for this visit.
		}
	}

	apply(): void {
		if (typeof document === 'undefined') return;
		document.documentElement.lang = this.locale;
		document.documentElement.dir = this.dir;
	}

	has(key: string): boolean {
		return key in CATALOGUES[this.locale];
	}

	/** The message for `key` in the current language; numbers in `params` are formatted for it.
	 * An unknown key is returned as is, so a gap is visible rather than blank. */
	t = (key: string, params: Params = {}): string => {
		// A key neither catalogue has (a code from the server, a gap in a translation) reads as undefined.
		const current: Partial<Record<string, string>> = CATALOGUES[this.locale];
		const arabic: Partial<Record<string, string>> = CATALOGUES.ar;
		const template = current[key] ?? arabic[key] ?? key;
		const strings: Record<string, string> = {};
		for (const [name, value] of Object.entries(params)) {
			strings[name] = typeof value === 'number' ? this.number(value) : value;
		}
		return interpolate(template, strings);
	};

	number(value: number, options?: Intl.NumberFormatOptions): string {
		return new Intl.NumberFormat(this.intlTag, options).format(value);
	}

	date(iso: string | Date, options: Intl.DateTimeFormatOptions = { dateStyle: 'long' }): string {
		const date = typeof iso === 'string' ? new Date(iso) : iso;
		return formatDate(date, { intlTag: this.intlTag, calendar: this.calendar, timeZone: this.timeZone }, options);
	}

	dateTime(iso: string | Date): string {
		return this.date(iso, { dateStyle: 'medium', timeStyle: 'short' });
	}

	/** "in 3 days" / "2 hours ago", in the largest unit that is at least one. */
	relative(ms: number): string {
		const format = new Intl.RelativeTimeFormat(this.intlTag, { numeric: 'auto' });
		const [unit, count] = largestUnit(ms);
		return format.format(count, unit);
	}

	/** "3 days" / "20 minutes": a span of time in the largest unit that is at least one. */
	duration(ms: number): string {
		const [unit, count] = largestUnit(ms);
		return this.number(count, { style: 'unit', unit, unitDisplay: 'long' });
	}

	/** Sizes in binary units, as the limits are defined (10 MiB reads "10 MB"). */
	fileSize(bytes: number): string {
		const MB = 1024 * 1024;
		if (bytes >= MB) return this.t('common.file_size_mb', { size: this.number(bytes / MB, { maximumFractionDigits: 1 }) });
		return this.t('common.file_size_kb', { size: this.number(Math.max(1, Math.round(bytes / 1024))) });
	}

	/** A name from a config document in the current language (`name_ar` / `name_en`). */
	name(doc: { name_ar: string; name_en: string } | undefined | null, fallback = ''): string {
		if (!doc) return fallback;
		return (this.locale === 'ar' ? doc.name_ar : doc.name_en) || doc.name_ar || doc.name_en || fallback;
	}
}

const UNITS: ['day' | 'hour' | 'minute', number][] = [
	['day', 86_400_000],
	['hour', 3_600_000],
	['minute', 60_000]
];

/** The largest of days, hours and minutes of which `ms` holds at least one, and how many. */
function largestUnit(ms: number): [(typeof UNITS)[number][0], number] {
	for (const [unit, size] of UNITS) {
		if (Math.abs(ms) >= size) return [unit, Math.trunc(ms / size)];
	}
	return ['minute', 0];
}

export const i18n = new I18n();
export const t = i18n.t;

/** The message key of a case status; staff get their own wording where the citizen's says "you". */
export function staffStatusKey(status: string, staff: boolean): string {
	return staff && status === 'awaiting_citizen' ? 'staff.status.awaiting_citizen' : `case.status.${status}`;
}

/** Text such as a phone number or a reference kept left to right inside a sentence of either
 * direction (Unicode isolates), so "+973…" never shows its "+" on the wrong side in Arabic. */
export function ltr(text: string): string {
	return `\u2066${text}\u2069`;
}
