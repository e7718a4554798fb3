import { describe, expect, it } from 'vitest';
import { blockSize, checkReason, checkRects, fromCorners, nudge, REDACTION_MAX_RECTS, toPixels } from './redaction';

const rect = { x: 0.1, y: 0.2, w: 0.3, h: 0.4 };

describe('checkRects', () => {
	it('accepts up to the maximum of rectangles inside the photo', () => {
		const verdict = checkRects(Array.from({ length: REDACTION_MAX_RECTS }, () => rect));
		expect(verdict).toEqual({ ok: true, rects: Array.from({ length: REDACTION_MAX_RECTS }, () => rect) });
		expect(checkRects([{ x: 0, y: 0, w: 1, h: 1 }]).ok).toBe(true);
	});

	it.each([
		['not a list', { x: 0 }, 'invalid_format', 'rects'],
		['an empty list', [], 'required', 'rects'],
		['one too many', Array.from({ length: REDACTION_MAX_RECTS + 1 }, () => rect), 'out_of_range', 'rects'],
		['a string', ['0,0,1,1'], 'invalid_format', 'rects.0'],
		['NaN', [{ ...rect, x: Number.NaN }], 'invalid_format', 'rects.0.x'],
		['Infinity', [{ ...rect, w: Number.POSITIVE_INFINITY }], 'invalid_format', 'rects.0.w'],
		['a number as text', [{ ...rect, y: '0.2' }], 'invalid_format', 'rects.0.y'],
		['a negative coordinate', [{ ...rect, x: -0.1 }], 'out_of_range', 'rects.0.x'],
		['a huge size', [{ ...rect, h: 1e9 }], 'out_of_range', 'rects.0.h'],
		['a missing side', [{ x: 0, y: 0, w: 0.5 }], 'invalid_format', 'rects.0.h'],
		['an extra field', [{ ...rect, fill: 'red' }], 'unknown_field', 'rects.0.fill'],
		['a line too thin', [{ ...rect, w: 0.001 }], 'too_short', 'rects.0'],
		['a region past the right edge', [{ x: 0.8, y: 0, w: 0.3, h: 0.1 }], 'out_of_range', 'rects.0'],
		['a region past the bottom edge', [{ x: 0, y: 0.95, w: 0.3, h: 0.1 }], 'out_of_range', 'rects.0']
	])('refuses %s', (_name, input, code, field) => {
		const verdict = checkRects(input);
		expect(verdict.ok).toBe(false);
		if (!verdict.ok) {
			expect(verdict.code).toBe(code);
			expect(verdict.fields[0].field).toBe(field);
		}
	});
});

describe('toPixels', () => {
	it('rounds outwards and clips to the image', () => {
		expect(toPixels({ x: 0.101, y: 0.2, w: 0.3, h: 0.4 }, 1000, 500)).toEqual({ left: 101, top: 100, width: 300, height: 200 });
		expect(toPixels({ x: 0.1005, y: 0, w: 0.1, h: 0.1 }, 1000, 10)).toEqual({ left: 100, top: 0, width: 101, height: 1 });
		expect(toPixels({ x: 0.99, y: 0.99, w: 0.01, h: 0.01 }, 50, 50)).toEqual({ left: 49, top: 49, width: 1, height: 1 });
	});

	it('covers the whole image for the whole rectangle', () => {
		expect(toPixels({ x: 0, y: 0, w: 1, h: 1 }, 1600, 1200)).toEqual({ left: 0, top: 0, width: 1600, height: 1200 });
	});
});

describe('blockSize', () => {
	it('leaves at most six blocks across a region, never under 12 px', () => {
		expect(blockSize({ left: 0, top: 0, width: 600, height: 300 })).toBe(100);
		expect(blockSize({ left: 0, top: 0, width: 20, height: 20 })).toBe(12);
	});
});

describe('keyboard and pointer geometry', () => {
	it('moves a rectangle but keeps it inside the photo', () => {
		expect(nudge(rect, { dx: 0.05 })).toEqual({ x: 0.15, y: 0.2, w: 0.3, h: 0.4 });
		expect(nudge(rect, { dx: 5 })).toEqual({ x: 0.7, y: 0.2, w: 0.3, h: 0.4 });
		expect(nudge(rect, { dy: -5 })).toEqual({ x: 0.1, y: 0, w: 0.3, h: 0.4 });
	});

	it('resizes within the minimum side and the photo', () => {
		expect(nudge(rect, { dw: -1 })).toEqual({ x: 0.1, y: 0.2, w: 0.01, h: 0.4 });
		expect(nudge(rect, { dh: 5 })).toEqual({ x: 0.1, y: 0, w: 0.3, h: 1 });
	});

	it('makes a valid rectangle from any two corners of a drag', () => {
		const made = fromCorners({ x: 0.9, y: 1.3 }, { x: 0.4, y: 0.5 });
		expect(made).toEqual({ x: 0.4, y: 0.5, w: 0.5, h: 0.5 });
		expect(checkRects([made]).ok).toBe(true);
		expect(checkRects([fromCorners({ x: 0.5, y: 0.5 }, { x: 0.5, y: 0.5 })]).ok).toBe(true);
	});
});

describe('checkReason', () => {
	it.each([
		[undefined, 'required'],
		['   ', 'required'],
		[42, 'required'],
		['abc', 'too_short'],
		['x'.repeat(301), 'too_long']
	])('refuses %j', (value, code) => {
		const verdict = checkReason(value);
		expect(verdict.ok).toBe(false);
		if (!verdict.ok) expect(verdict.field.code).toBe(code);
	});

	it('keeps a trimmed reason', () => {
		expect(checkReason('  complaint about plate  ')).toEqual({ ok: true, reason: 'complaint about plate' });
	});
});
