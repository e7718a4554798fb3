/** Bahrain's block and road numbers of a pin (issue 15), from GET /api/gazetteer, as one line:
 * "Block 338 · Road 3803 · Hoora" / "مجمع ٣٣٨ · طريق ٣٨٠٣ · الحورة". Only a help to the eye: when
 * the server has no gazetteer, the point is in none of its blocks, or the device is offline, there
 * is simply no line. */
import type { GeoPoint } from '$lib/domain/doc-types';
import { request } from './api';
import { i18n, t } from './i18n.svelte';

interface Names {
	ar: string | null;
	en: string | null;
}

export interface GazetteerPlace {
	block: number | null;
	road: number | null;
	area: Names | null;
	governorate: Names | null;
}

/** Six decimals (≈ 10 cm), never an exponent: the server accepts plain decimal degrees only. */
const degrees = (value: number) => value.toFixed(6);

/** The place at a point, or null for any answer but a place (off, not in the gazetteer, offline…). */
export async function gazetteerPlace(point: GeoPoint): Promise<GazetteerPlace | null> {
	const query = new URLSearchParams({ lat: degrees(point.lat), lng: degrees(point.lng) });
	try {
		return await request<GazetteerPlace>('GET', `/api/gazetteer?${query}`);
	} catch {
		return null;
	}
}

/** Block and road numbers are names, not quantities: the locale's digits, never a thousands separator. */
const numeral = (n: number) => i18n.number(n, { useGrouping: false });

/** The place as one line in the current language; the area in the other language when the file
 * has it only in that one. */
export function gazetteerLine(place: GazetteerPlace): string {
	const area = place.area ? (place.area[i18n.locale] ?? place.area[i18n.other]) : null;
	return [place.block === null ? null : t('gazetteer.block', { block: numeral(place.block) }), place.road === null ? null : t('gazetteer.road', { road: numeral(place.road) }), area]
		.filter((part) => part !== null)
		.join(' · ');
}
