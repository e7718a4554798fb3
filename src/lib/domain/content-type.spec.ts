import { describe, it, expect } from 'vitest';
import { detectContentType, sniffContentType } from './content-type';

const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('detectContentType', () => {
	it.each<[string, Uint8Array, string | null]>([
		['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'), 'image/jpeg'],
		['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], 'IHDR'), 'image/png'],
		['WEBP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
		['PDF', bytes('%PDF-1.7\n'), 'application/pdf'],
		['a RIFF that is not WEBP (WAV audio)', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '), null],
		['PNG signature cut short', bytes([0x89], 'PNG'), null],
		['a Windows executable', bytes('MZ', [0x90, 0]), null],
		['HTML claiming nothing', bytes('<!doctype html>'), null],
		['SVG (scriptable, not allowed)', bytes('<svg xmlns='), null],
		['empty', bytes(), null],
		['HEIC (known, never accepted)', bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0]), null]
	])('%s → %s', (_name, data, type) => {
		expect(detectContentType(data)).toBe(type);
	});
});

describe('sniffContentType', () => {
	it.each<[string, Uint8Array, string | null]>([
		['an iPhone photo (heic)', bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'), 'image/heic'],
		['an iPhone burst (hevc)', bytes([0, 0, 0, 0x18], 'ftyphevc'), 'image/heic'],
		['a still image file (mif1)', bytes([0, 0, 0, 0x18], 'ftypmif1'), 'image/heic'],
		['an MP4 video (isom), not HEIC', bytes([0, 0, 0, 0x18], 'ftypisom'), null],
		['ftyp cut short', bytes([0, 0, 0, 0x18], 'ftyphe'), null],
		['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg']
	])('%s → %s', (_name, data, type) => {
		expect(sniffContentType(data)).toBe(type);
	});
});
