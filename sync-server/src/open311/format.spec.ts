import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { escapeXml, toXml } from './format.js';

describe('Open311 XML', () => {
	it('escapes markup and drops characters XML cannot carry', () => {
		expect(escapeXml(`<a href="x">&'</a>\u0000\u0008\uFFFE\uD800ok`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;ok');
	});

	it('maps lists to wrapper elements with one element per item, and null to an empty element', () => {
		const text = toXml('service_requests', [
			{ service_request_id: '26-000001-7', description: null, lat: 26.2 },
			{ service_request_id: '26-000002-5', description: 'Road <closed> & "flooded"', lat: null }
		]);
		expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<service_requests>')).toBe(true);
		expect(XMLValidator.validate(text)).toBe(true);
		const parsed = new XMLParser({ parseTagValue: false }).parse(text);
		expect(parsed.service_requests.request).toEqual([
			{ service_request_id: '26-000001-7', description: '', lat: '26.2' },
			{ service_request_id: '26-000002-5', description: 'Road <closed> & "flooded"', lat: '' }
		]);
	});

	it('names the items of each list as the specification does', () => {
		const parsed = new XMLParser().parse(toXml('service_definition', { service_code: 'x', attributes: [{ code: 'a', values: [{ key: 'k', name: 'n' }] }] }));
		expect(parsed.service_definition.attributes.attribute.values.value).toEqual({ key: 'k', name: 'n' });
		expect(new XMLParser().parse(toXml('errors', [{ code: 404, description: 'gone' }])).errors.error).toEqual({ code: 404, description: 'gone' });
	});
});
