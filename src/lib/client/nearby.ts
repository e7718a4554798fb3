/** "Already reported?" (issue 15): the open cases of a public-place category near the pin, from
 * GET /api/nearby, and following one of them instead of filing the same report again. */
import type { GeoPoint } from '$lib/domain/doc-types';
import type { NearbyCase } from '$lib/domain/nearby';
import { request } from './api';
import { i18n } from './i18n.svelte';
import { appendAction } from './outbox';

export type { NearbyCase };

export interface NearbyAnswer {
	category_id: string;
	radius_m: number;
	cases: NearbyCase[];
}

/** Six decimals (≈ 10 cm), never an exponent: the server accepts plain decimal degrees only. */
const degrees = (value: number) => value.toFixed(6);

export function nearbyCases(categoryId: string, point: GeoPoint): Promise<NearbyAnswer> {
	const query = new URLSearchParams({ category_id: categoryId, lat: degrees(point.lat), lng: degrees(point.lng) });
	return request<NearbyAnswer>('GET', `/api/nearby?${query}`);
}

/** Follows the case: an action in the outbox like any other, sent when there is a network; the
 * server counts the person once however often it comes, and texts them in this language. */
export function followCase(caseKey: string): Promise<unknown> {
	return appendAction('follow', { case_key: caseKey, locale: i18n.locale });
}
