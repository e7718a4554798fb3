import { addWorkingDays, makeCalendar } from '$lib/domain/calendar';
import type { HolidaysDoc, SettingsDoc } from '$lib/domain/doc-types';

/** When an answer would be due if the case were routed at `now`, by the same calendar the server
 * uses (response days, weekend, holidays from mirror-config). Null until settings have synced. */
export function forecastDueDate(settings: SettingsDoc | null, holidays: HolidaysDoc[], now = new Date()): Date | null {
	if (!settings || !(settings.response_days > 0)) return null;
	try {
		return addWorkingDays(now, settings.response_days, makeCalendar(settings, holidays));
	} catch {
		// A broken zone or weekend in config: show no date rather than a wrong one.
		return null;
	}
}
