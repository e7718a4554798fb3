import { addWorkingDays, addWorkingMs, workingMsBetween, type WorkCalendar } from './calendar';
import type { SlaState } from './doc-types';

/** The response-period clock (ARCHITECTURE §4): starts when the case is routed, pauses while the
 * entity waits for the citizen, stops at the first substantive reply. Every function returns a new
 * state, or the same object when nothing changes, so callers can detect a no-op with `===`.
 * The dashboard's "replied within the period" and "days to reply" come from here too. */

const iso = (d: Date) => d.toISOString();
const ms = (s: string) => Date.parse(s);

export type SlaPhase = 'running' | 'paused' | 'stopped';

/** A stopped clock may keep `paused_at` (see stopSla), so read the phase here, not from fields. */
export function slaPhase(sla: SlaState): SlaPhase {
	if (sla.stopped_at) return 'stopped';
	return sla.paused_at ? 'paused' : 'running';
}

export function startSla(at: Date, responseDays: number, cal: WorkCalendar): SlaState {
	return {
		started_at: iso(at),
		due_at: iso(addWorkingDays(at, responseDays, cal)),
		paused_at: null,
		stopped_at: null,
		paused_ms: 0
	};
}

export function pauseSla(sla: SlaState, at: Date): SlaState {
	if (slaPhase(sla) !== 'running') return sla;
	return { ...sla, paused_at: iso(at) };
}

/** Gives back the working time spent waiting: due_at moves by exactly what paused_ms gains. */
export function resumeSla(sla: SlaState, at: Date, cal: WorkCalendar): SlaState {
	const pausedAt = sla.paused_at;
	if (slaPhase(sla) !== 'paused' || !pausedAt) return sla;
	const waited = workingMsBetween(new Date(pausedAt), at, cal);
	return {
		...sla,
		paused_at: null,
		paused_ms: sla.paused_ms + waited,
		due_at: iso(addWorkingMs(new Date(sla.due_at), waited, cal))
	};
}

/** Only the first reply stops the clock. A reply while paused keeps `paused_at`: the clock froze
 * then, and the wait for the citizen must not count against the entity (see effectiveStop). */
export function stopSla(sla: SlaState, at: Date): SlaState {
	if (sla.stopped_at) return sla;
	return { ...sla, stopped_at: iso(at) };
}

/** A transfer under the "restarts the clock" policy: the receiving entity gets a full period from
 * the transfer. Once the citizen has had a reply the period is settled and stays as it was. */
export function restartSla(sla: SlaState, at: Date, responseDays: number, cal: WorkCalendar): SlaState {
	if (sla.stopped_at) return sla;
	return startSla(at, responseDays, cal);
}

/** The instant the clock stopped running: when it paused if it did, else when it stopped. */
function effectiveStop(sla: SlaState): number | null {
	if (sla.paused_at) return ms(sla.paused_at);
	return sla.stopped_at ? ms(sla.stopped_at) : null;
}

export function isOverdue(sla: SlaState, now: Date): boolean {
	return slaPhase(sla) === 'running' && now.getTime() > ms(sla.due_at);
}

export function repliedWithinPeriod(sla: SlaState): boolean | null {
	const stop = effectiveStop(sla);
	if (!sla.stopped_at || stop === null) return null;
	return stop <= ms(sla.due_at);
}

/** Real milliseconds until due; negative when late; frozen while paused or stopped. */
export function msLeft(sla: SlaState, now: Date): number {
	return ms(sla.due_at) - (effectiveStop(sla) ?? now.getTime());
}

/** Calendar days from start to reply, waits included: what the citizen experienced. */
export function daysToReply(sla: SlaState): number | null {
	if (!sla.stopped_at) return null;
	return (ms(sla.stopped_at) - ms(sla.started_at)) / 86_400_000;
}
