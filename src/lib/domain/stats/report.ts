/** The headline figures a government publishes, nationally and per entity, for a date range: the
 * national overview of query.ts (the dashboard's code), flattened into rows for JSON or CSV. */
import { RATING_CRITERIA } from '../rating.js';
import type { Headline } from './kpi.js';
import { DEFAULT_CONVENTIONS, type Conventions } from './model.js';
import { nationalOverview, type StatsReader } from './query.js';

/** The headline's counts and shares, as the report shows them (rounded). */
type HeadlineFigures = Pick<
	Headline,
	| 'cases'
	| 'inquiries'
	| 'complaints'
	| 'suggestions'
	| 'replied'
	| 'within_period_pct'
	| 'within_period_pct_due_only'
	| 'within_period_pct_no_due_on_time'
	| 'avg_days_to_reply'
	| 'open'
	| 'overdue'
	| 'no_due'
>;

export interface ReportRow extends HeadlineFigures {
	scope: 'national' | 'entity';
	entity_id: string | null;
	name_ar: string | null;
	name_en: string | null;
	/** Entities with at least one case in the range (national row only). */
	entities: number | null;
	inquiries_and_complaints: number;
	suggestions_under_study: number;
	suggestions_implemented: number;
	satisfaction_handling: number | null;
	satisfaction_clarity: number | null;
	satisfaction_courtesy: number | null;
	satisfaction_ease_of_use: number | null;
	rating_response_rate_pct: number | null;
}

export interface Report {
	from: string;
	to: string;
	generated_at: string;
	conventions: Conventions;
	national: ReportRow;
	entities: ReportRow[];
}

export interface ReportOptions {
	from: string;
	to: string;
	conventions?: Conventions;
	names?: Map<string, { name_ar: string; name_en: string }>;
	now?: Date;
}

const round = (value: number | null, digits: number) => (value === null ? null : Number(value.toFixed(digits)));

function row(h: Headline, scope: ReportRow['scope'], id: string | null, options: ReportOptions, entities: number | null): ReportRow {
	const name = id ? options.names?.get(id) : undefined;
	const satisfaction = Object.fromEntries(RATING_CRITERIA.map((c) => [`satisfaction_${c}`, round(h.satisfaction?.[c] ?? null, 2)]));
	return {
		scope,
		entity_id: id,
		name_ar: name?.name_ar ?? null,
		name_en: name?.name_en ?? null,
		entities,
		cases: h.cases,
		inquiries: h.inquiries,
		complaints: h.complaints,
		inquiries_and_complaints: h.inquiries + h.complaints,
		suggestions: h.suggestions,
		replied: h.replied,
		within_period_pct: round(h.within_period_pct, 2),
		within_period_pct_due_only: round(h.within_period_pct_due_only, 2),
		within_period_pct_no_due_on_time: round(h.within_period_pct_no_due_on_time, 2),
		avg_days_to_reply: round(h.avg_days_to_reply, 3),
		open: h.open,
		overdue: h.overdue,
		no_due: h.no_due,
		suggestions_under_study: h.suggestions_by_state.under_study,
		suggestions_implemented: h.suggestions_by_state.implemented,
		...(satisfaction as Pick<ReportRow, 'satisfaction_handling' | 'satisfaction_clarity' | 'satisfaction_courtesy' | 'satisfaction_ease_of_use'>),
		rating_response_rate_pct: round(h.rating_response_rate_pct, 2)
	};
}

export async function buildReport(reader: StatsReader, options: ReportOptions): Promise<Report> {
	const conventions = options.conventions ?? DEFAULT_CONVENTIONS;
	const overview = await nationalOverview(reader, { from: options.from, to: options.to, conventions });
	return {
		from: options.from,
		to: options.to,
		generated_at: (options.now ?? new Date()).toISOString(),
		conventions,
		national: row(overview.headline, 'national', null, options, overview.groups.length),
		entities: overview.groups.map((g) => row(g.headline, 'entity', g.id, options, null))
	};
}

const csvField = (value: string | number | null | undefined) => {
	const text = value === null || value === undefined ? '' : String(value);
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One header line, the national row, then one row per entity; empty cells where a figure is null. */
export function reportCsv(report: Report): string {
	const rows = [report.national, ...report.entities];
	const columns = Object.keys(report.national) as (keyof ReportRow)[];
	const lines = [['from', 'to', ...columns].join(','), ...rows.map((r) => [report.from, report.to, ...columns.map((c) => r[c])].map(csvField).join(','))];
	return lines.join('\r\n') + '\r\n';
}
