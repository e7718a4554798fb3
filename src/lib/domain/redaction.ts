/** Redaction of a case photo (issue 15, step 5): the rectangles staff draw over a photo, as
 * fractions of its width and height (0..1), so the same request means the same regions whatever
 * size the photo is shown at. Pure: the dialog checks what it will send with these functions, and
 * the server checks what it received with the same ones. */
import type { ErrorCode, FieldError } from './errors.js';

export interface RedactionRect {
	x: number;
	y: number;
	w: number;
	h: number;
}

/** At most this many regions in one request. */
export const REDACTION_MAX_RECTS = 20;
/** A region's side, as a fraction of the photo's side: not a line too thin to hide anything. */
const REDACTION_MIN_SIDE = 0.01;
/** A reason for viewing an original: enough to say why, never a document. */
export const REASON_MIN = 5;
export const REASON_MAX = 300;

const RECT_KEYS = ['x', 'y', 'w', 'h'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One rectangle, or the field error that refuses it. A region must lie inside the photo
 * (x + w ≤ 1, y + h ≤ 1, with a rounding allowance) and carry exactly x, y, w, h. */
function checkRect(value: unknown, field: string): RedactionRect | FieldError {
	if (!isRecord(value)) return { field, code: 'invalid_format' };
	const unknown = Object.keys(value).find((key) => !(RECT_KEYS as readonly string[]).includes(key));
	if (unknown) return { field: `${field}.${unknown.slice(0, 20)}`, code: 'unknown_field' };
	for (const key of RECT_KEYS) {
		const n = value[key];
		if (typeof n !== 'number' || !Number.isFinite(n)) return { field: `${field}.${key}`, code: 'invalid_format' };
		if (n < 0 || n > 1) return { field: `${field}.${key}`, code: 'out_of_range' };
	}
	const rect = { x: Number(value.x), y: Number(value.y), w: Number(value.w), h: Number(value.h) };
	if (rect.w < REDACTION_MIN_SIDE || rect.h < REDACTION_MIN_SIDE) return { field, code: 'too_short', params: { min: REDACTION_MIN_SIDE } };
	if (rect.x + rect.w > 1.000001 || rect.y + rect.h > 1.000001) return { field, code: 'out_of_range' };
	return rect;
}

export type RectsVerdict = { ok: true; rects: RedactionRect[] } | { ok: false; code: ErrorCode; fields: FieldError[] };

/** The list a redaction request names: 1 to REDACTION_MAX_RECTS rectangles. */
export function checkRects(value: unknown): RectsVerdict {
	if (!Array.isArray(value)) return { ok: false, code: 'invalid_format', fields: [{ field: 'rects', code: 'invalid_format' }] };
	if (value.length === 0) return { ok: false, code: 'required', fields: [{ field: 'rects', code: 'required' }] };
	if (value.length > REDACTION_MAX_RECTS) return { ok: false, code: 'out_of_range', fields: [{ field: 'rects', code: 'out_of_range', params: { max: REDACTION_MAX_RECTS } }] };
	const rects: RedactionRect[] = [];
	for (const [index, item] of value.entries()) {
		const checked = checkRect(item, `rects.${index}`);
		if ('code' in checked) return { ok: false, code: checked.code, fields: [checked] };
		rects.push(checked);
	}
	return { ok: true, rects };
}

export interface PixelBox {
	left: number;
	top: number;
	width: number;
	height: number;
}

/** The pixels a rectangle covers in a width × height image: rounded outwards, so a face at the
 * edge of a region is never left a pixel uncovered, and clipped to the image. */
export function toPixels(rect: RedactionRect, width: number, height: number): PixelBox {
	// The allowance keeps floating-point noise (0.6 × 500 = 300.00000000000006) from adding a pixel.
	const down = (n: number) => Math.floor(n + 1e-9);
	const up = (n: number) => Math.ceil(n - 1e-9);
	const left = Math.max(0, down(rect.x * width));
	const top = Math.max(0, down(rect.y * height));
	const right = Math.min(width, up((rect.x + rect.w) * width));
	const bottom = Math.min(height, up((rect.y + rect.h) * height));
	return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

/** The side of a pixelation block for a region: large enough that a face or a plate keeps no
 * readable detail (at most 6 blocks across the region's long side, never under 12 px). */
export function blockSize(box: PixelBox): number {
	return Math.max(12, Math.ceil(Math.max(box.width, box.height) / 6));
}

/** Moves or resizes a rectangle by a step (keyboard editing in the dialog), kept inside the photo
 * and never smaller than REDACTION_MIN_SIDE. */
export function nudge(rect: RedactionRect, change: { dx?: number; dy?: number; dw?: number; dh?: number }): RedactionRect {
	const w = clamp(rect.w + (change.dw ?? 0), REDACTION_MIN_SIDE, 1);
	const h = clamp(rect.h + (change.dh ?? 0), REDACTION_MIN_SIDE, 1);
	const x = clamp(rect.x + (change.dx ?? 0), 0, 1 - w);
	const y = clamp(rect.y + (change.dy ?? 0), 0, 1 - h);
	return { x: round(x), y: round(y), w: round(w), h: round(h) };
}

/** A rectangle from two corners of a pointer drag, in fractions, kept inside the photo. */
export function fromCorners(a: { x: number; y: number }, b: { x: number; y: number }): RedactionRect {
	const x0 = clamp(Math.min(a.x, b.x), 0, 1);
	const y0 = clamp(Math.min(a.y, b.y), 0, 1);
	const x1 = clamp(Math.max(a.x, b.x), 0, 1);
	const y1 = clamp(Math.max(a.y, b.y), 0, 1);
	return nudge({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, {});
}

function clamp(n: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, n));
}

/** Four decimals: a tenth of a pixel on a 1,000 px photo, and a short request body. */
function round(n: number): number {
	return Math.round(n * 10_000) / 10_000;
}

/** The reason given for viewing an original, trimmed, or the error that refuses it. */
export function checkReason(value: unknown): { ok: true; reason: string } | { ok: false; field: FieldError } {
	if (typeof value !== 'string' || value.trim() === '') return { ok: false, field: { field: 'reason', code: 'required' } };
	const reason = value.trim();
	if (reason.length < REASON_MIN) return { ok: false, field: { field: 'reason', code: 'too_short', params: { min: REASON_MIN } } };
	if (reason.length > REASON_MAX) return { ok: false, field: { field: 'reason', code: 'too_long', params: { max: REASON_MAX } } };
	return { ok: true, reason };
}
