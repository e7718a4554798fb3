/** The map's settings from the server (`GET /api/map`: tile template, credit line, the country's
 * box), kept on the device so the form knows the country offline. Without either: no tiles (a
 * coordinate grid) and the default box. */
import type { GeoPoint } from '$lib/domain/doc-types';
import { DEFAULT_COUNTRY_BOUNDS, isTileTemplate, type Bounds } from '$lib/domain/geo';

export interface MapConfig {
	tile_url: string | null;
	attribution: string;
	bounds: Bounds;
}

/** A place shown on the map besides the pin, linked to its page (a case). */
export interface MapMarker {
	key: string;
	point: GeoPoint;
	label: string;
	href: string;
}

const KEY = 'tawasul.map';
export const DEFAULT_MAP_CONFIG: MapConfig = { tile_url: null, attribution: '', bounds: DEFAULT_COUNTRY_BOUNDS };

function isBounds(value: unknown): value is Bounds {
	if (typeof value !== 'object' || value === null) return false;
	const { south, west, north, east } = value as Record<string, unknown>;
	const numbers = [south, west, north, east];
	return numbers.every((n) => typeof n === 'number' && Number.isFinite(n)) && Number(south) < Number(north) && Number(west) < Number(east);
}

/** A stored or received configuration, or null when it is not one. */
function parseMapConfig(value: unknown): MapConfig | null {
	if (typeof value !== 'object' || value === null) return null;
	const { tile_url, attribution, bounds } = value as Record<string, unknown>;
	if (tile_url !== null && (typeof tile_url !== 'string' || !isTileTemplate(tile_url))) return null;
	if (typeof attribution !== 'string' || attribution.length > 200 || !isBounds(bounds)) return null;
	return { tile_url, attribution, bounds };
}

function stored(): MapConfig | null {
	try {
		return parseMapConfig(JSON.parse(localStorage.getItem(KEY) ?? 'null'));
	} catch {
		// Unreadable (private mode, or damaged): as if never stored.
		return null;
	}
}

let loading: Promise<MapConfig> | null = null;

/** The server's answer when it can be reached, else the last one kept, else the defaults. */
export function mapConfig(): Promise<MapConfig> {
	loading ??= fetch('/api/map', { credentials: 'same-origin' })
		.then((response) => (response.ok ? response.json() : null))
		.then((body) => {
			const config = parseMapConfig(body);
			if (!config) return stored() ?? DEFAULT_MAP_CONFIG;
			try {
				localStorage.setItem(KEY, JSON.stringify(config));
			} catch {
				// Storage full or refused: the map still works, offline it falls back to the defaults.
			}
			return config;
		})
		// Offline: what was kept the last time; asked again next time.
		.catch(() => {
			loading = null;
			return stored() ?? DEFAULT_MAP_CONFIG;
		});
	return loading;
}
