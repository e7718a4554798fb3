// Draws the app icon (a speech bubble on the national-teal square) as PNGs for the manifest:
// 192 and 512 px, plus a maskable 512 with the artwork inside the 80 % safe zone. No image
// library: shapes are distance functions, 4×4 supersampled, written as an RGBA PNG with zlib.
// Run: node scripts/make-icons.js (outputs to static/icons/).
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const TEAL = [11, 94, 85];
const WHITE = [255, 255, 255];

const roundRect = (x, y, cx, cy, hw, hh, r) => {
	const qx = Math.abs(x - cx) - hw + r;
	const qy = Math.abs(y - cy) - hh + r;
	return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
// Triangle tail of the bubble, as a point-in-triangle test turned into a coarse distance.
const triangle = (x, y, [ax, ay], [bx, by], [cx, cy]) => {
	const s = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
	const d1 = s(x, y, ax, ay, bx, by);
	const d2 = s(x, y, bx, by, cx, cy);
	const d3 = s(x, y, cx, cy, ax, ay);
	const inside = !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
	return inside ? -1 : 1;
};

/** Colour of a point in unit coordinates (0..1), or null for transparent. */
function shade(x, y, maskable) {
	const background = maskable ? -1 : roundRect(x, y, 0.5, 0.5, 0.5, 0.5, 0.18);
	if (background > 0) return null;
	// The artwork scales into the safe zone for the maskable variant.
	const k = maskable ? 0.78 : 1;
	const u = 0.5 + (x - 0.5) / k;
	const v = 0.5 + (y - 0.5) / k;
	const bubble = Math.min(roundRect(u, v, 0.5, 0.45, 0.3, 0.21, 0.1), triangle(u, v, [0.36, 0.6], [0.5, 0.6], [0.3, 0.8]) < 0 ? -1 : 1);
	if (bubble <= 0) {
		for (const cx of [0.37, 0.5, 0.63]) if (circle(u, v, cx, 0.45, 0.045) <= 0) return TEAL;
		return WHITE;
	}
	return TEAL;
}

function render(size, maskable) {
	const n = 4;
	const rows = [];
	for (let py = 0; py < size; py++) {
		const row = Buffer.alloc(1 + size * 4);
		for (let px = 0; px < size; px++) {
			let r = 0,
				g = 0,
				b = 0,
				a = 0;
			for (let sy = 0; sy < n; sy++)
				for (let sx = 0; sx < n; sx++) {
					const c = shade((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, maskable);
					if (!c) continue;
					r += c[0];
					g += c[1];
					b += c[2];
					a += 1;
				}
			const o = 1 + px * 4;
			if (a) {
				row[o] = Math.round(r / a);
				row[o + 1] = Math.round(g / a);
				row[o + 2] = Math.round(b / a);
			}
			row[o + 3] = Math.round((a / (n * n)) * 255);
		}
		rows.push(row);
	}
	return png(size, Buffer.concat(rows));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, i) => {
	let c = i;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
const crc32 = (buf) => {
	let c = 0xffffffff;
	for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
};
function png(size, raw) {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(size, 0);
	header.writeUInt32BE(size, 4);
	header[8] = 8; // bit depth
	header[9] = 6; // RGBA
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const out = new URL('../static/icons/', import.meta.url);
writeFileSync(new URL('icon-192.png', out), render(192, false));
writeFileSync(new URL('icon-512.png', out), render(512, false));
writeFileSync(new URL('icon-maskable-512.png', out), render(512, true));
console.log('icons written to static/icons/');
