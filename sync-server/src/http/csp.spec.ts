import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './app.js';

const imgSrc = (csp: string) => csp.split('; ').find((part) => part.startsWith('img-src '));

describe("the app's content security policy and the map's tiles (issue 15)", () => {
	it('lets images come from this server only when no tile server is configured', () => {
		expect(imgSrc(contentSecurityPolicy(null))).toBe("img-src 'self' blob: data:");
		expect(imgSrc(contentSecurityPolicy('/tiles/{z}/{x}/{y}.png'))).toBe("img-src 'self' blob: data:");
	});

	it("adds the configured tile server's origin, and nothing else", () => {
		const csp = contentSecurityPolicy('https://{s}.tiles.example.gov.bh:8443/osm/{z}/{x}/{y}.png?key=1');
		expect(imgSrc(csp)).toBe("img-src 'self' blob: data: https://a.tiles.example.gov.bh:8443");
		expect(csp).toContain("connect-src 'self';");
		expect(csp).toContain("script-src 'self';");
	});
});
