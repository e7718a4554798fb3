/** Public reports on a map (issue 14): what the public pages show of the cases of public-place
 * categories (a road, a street light, a park) filed in the last `PUBLIC_REPORT_DAYS` days.
 *
 * Nothing personal and nothing that identifies a case: no reference, subject, text or citizen, no
 * photo but those the entity's managers chose to show (each under an opaque id, beside its area
 * and category only), and places only to two decimals of a degree (about a kilometre, `placeKey`), the
 * coarse place the repeated-case clusters use; a duplicate linked to its primary is counted once,
 * as the primary. Pure: the server reads the rows and renders the page with it. */
import type { CaseStatus } from './doc-types.js';

export const PUBLIC_REPORT_DAYS = 90;
/** Reports read at most for one page: a national quarter of public-place reports is far fewer. */
export const PUBLIC_REPORTS_MAX = 20_000;
/** The areas listed in the table, the most reported first; the map shows them all. */
export const PUBLIC_AREAS_LISTED = 25;
/** Photos shown beside one area, the newest reports' first. */
export const PUBLIC_PHOTOS_PER_AREA = 4;

/** One report as the public view of cases holds it (the place already coarse). */
export interface PublicReport {
	category_id: string;
	entity_id: string;
	status: CaseStatus;
	lat: number;
	lng: number;
	/** Citizens who follow it instead of filing it again (issue 15). */
	supporters: number;
	/** The opaque public id of the photo its entity chose to show, if any. */
	photo?: string;
}

/** A photo shown beside its area: its public id and the category of its report, nothing more. */
interface AreaPhoto {
	id: string;
	category_id: string;
}

interface Counts {
	/** Open or waiting for the citizen: not answered yet. */
	waiting: number;
	/** Answered or closed. */
	answered: number;
	supporters: number;
}

export interface ReportArea extends Counts {
	lat: number;
	lng: number;
	/** At most PUBLIC_PHOTOS_PER_AREA, by id: the same for the same reports in any order. */
	photos: AreaPhoto[];
}

interface ReportCategory extends Counts {
	category_id: string;
	entity_id: string;
}

export interface PublicReports extends Counts {
	/** First day counted (YYYY-MM-DD). */
	since: string;
	total: number;
	/** Every area with a report, the most reported first. */
	areas: ReportArea[];
	categories: ReportCategory[];
	/** More reports than `PUBLIC_REPORTS_MAX` were filed: the figures count the newest only. */
	truncated: boolean;
}

const WAITING: ReadonlySet<CaseStatus> = new Set(['open', 'awaiting_citizen']);

/** Two decimals of a degree: the view rounds already, this keeps any other caller to it. */
export const coarse = (value: number) => Math.round(value * 100) / 100;

function add(counts: Counts, report: PublicReport): void {
	if (WAITING.has(report.status)) counts.waiting++;
	else counts.answered++;
	counts.supporters += report.supporters;
}

const total = (c: Counts) => c.waiting + c.answered;

export function summariseReports(reports: readonly PublicReport[], since: string, truncated: boolean): PublicReports {
	const areas = new Map<string, ReportArea>();
	const categories = new Map<string, ReportCategory>();
	const all: Counts = { waiting: 0, answered: 0, supporters: 0 };
	for (const report of reports) {
		const lat = coarse(report.lat);
		const lng = coarse(report.lng);
		const key = `${lat},${lng}`;
		let area = areas.get(key);
		if (!area) areas.set(key, (area = { lat, lng, waiting: 0, answered: 0, supporters: 0, photos: [] }));
		if (report.photo) area.photos.push({ id: report.photo, category_id: report.category_id });
		let category = categories.get(report.category_id);
		if (!category) categories.set(report.category_id, (category = { category_id: report.category_id, entity_id: report.entity_id, waiting: 0, answered: 0, supporters: 0 }));
		add(area, report);
		add(category, report);
		add(all, report);
	}
	// Most reported first; ties by place and id, so the page is the same for the same reports.
	const byPlace = (a: ReportArea, b: ReportArea) => total(b) - total(a) || a.lat - b.lat || a.lng - b.lng;
	const byCount = (a: ReportCategory, b: ReportCategory) => total(b) - total(a) || (a.category_id < b.category_id ? -1 : 1);
	for (const area of areas.values()) area.photos = area.photos.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, PUBLIC_PHOTOS_PER_AREA);
	return { since, total: total(all), ...all, areas: [...areas.values()].sort(byPlace), categories: [...categories.values()].sort(byCount), truncated };
}
