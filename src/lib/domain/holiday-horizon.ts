/** When the holiday calendar runs out. Due dates after the last known holiday silently count
 * religious holidays as working days, so coordinators are warned in time to import next year's
 * list (issue 16). Pure: the caller gives the last holiday and today's date in the national zone. */

const HOLIDAY_WARNING_DAYS = 60;

export interface HolidayHorizon {
	/** The last holiday kept, 'YYYY-MM-DD', or null when none is. */
	ends: string | null;
	/** Days from today to it; negative when it has passed, null when there is none. */
	daysLeft: number | null;
}

const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

/** The warning to show, or null while the last holiday is at least `warnDays` away. */
export function holidayHorizon(lastHoliday: string | null, today: string, warnDays = HOLIDAY_WARNING_DAYS): HolidayHorizon | null {
	if (!lastHoliday) return { ends: null, daysLeft: null };
	const daysLeft = dayNumber(lastHoliday) - dayNumber(today);
	return daysLeft < warnDays ? { ends: lastHoliday, daysLeft } : null;
}
