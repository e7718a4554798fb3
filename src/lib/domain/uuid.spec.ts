import { describe, expect, it } from 'vitest';
import { uuidFromHash } from './uuid.js';

describe('uuidFromHash', () => {
	// SHA-256 digests of a report's, a kiosk filing's and an imported row's inputs, and the case
	// keys stored for them: changing the layout would give old filings and rows new cases.
	it.each([
		['325db53c03738bd2a1968c0638e844ac2b5fb32fef1ce5d453f49e412570fb3c', 4, '325db53c-0373-4bd2-a196-8c0638e844ac'],
		['eb2bd601b591bc2d4734928ac109a7328fe316756f1f5d8efe45e134278c7e95', 4, 'eb2bd601-b591-4c2d-8734-928ac109a732'],
		['f9416080f53940d054246d00c54c274ced464d66732ec1d06a1e5a6242dd6e9b', 5, 'f9416080-f539-50d0-9424-6d00c54c274c'],
		['2d711642b726b044f0627ca9fbac32f5', 5, '2d711642-b726-5044-b062-7ca9fbac32f5']
	] as const)('lays out %s as a version %i uuid', (hex, version, expected) => {
		expect(uuidFromHash(hex, version)).toBe(expected);
	});

	it.each([
		['too short', 'ab'.repeat(15)],
		['not hex', 'g'.repeat(64)],
		['upper case', 'AB'.repeat(16)]
	])('refuses a digest that is %s', (_name, hex) => {
		expect(() => uuidFromHash(hex, 4)).toThrow(RangeError);
	});
});
