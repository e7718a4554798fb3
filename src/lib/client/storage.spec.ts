import { describe, expect, it } from 'vitest';
import { askOnce, isQuotaError } from './storage';

/** A flag kept in memory, as Dexie's `settings` keeps it on a device. */
function flag(initial = false) {
	let value = initial;
	return { get: async () => value, set: async () => void (value = true), read: () => value };
}

describe('askOnce (navigator.storage.persist, asked once per device)', () => {
	it('asks the first time and says what the browser answered', async () => {
		let asked = 0;
		const storage = { persisted: async () => false, persist: async () => (asked++, true) };
		const once = flag();
		expect(await askOnce(storage, once)).toBe('granted');
		expect(asked).toBe(1);
		expect(once.read()).toBe(true);
		// Never again, whatever happens next.
		expect(await askOnce(storage, once)).toBeNull();
		expect(asked).toBe(1);
	});

	const answers = (persisted: boolean, granted: boolean) => ({ persisted: async () => persisted, persist: async () => granted });
	it.each<[string, ReturnType<typeof answers> | undefined | object]>([
		['denied', answers(false, false)],
		['granted', answers(true, false)],
		['unsupported', undefined],
		['unsupported', {}]
	])('%s', async (answer, storage) => {
		expect(await askOnce(storage, flag())).toBe(answer);
	});
});

describe('isQuotaError', () => {
	it.each<[unknown, boolean]>([
		[new DOMException('full', 'QuotaExceededError'), true],
		[{ name: 'QuotaExceededError', inner: new DOMException('full', 'QuotaExceededError') }, true],
		[{ name: 'AbortError', inner: { name: 'QuotaExceededError' } }, true],
		[{ name: 'AbortError', inner: { name: 'UnknownError' } }, false],
		[new Error('network'), false],
		[null, false],
		['QuotaExceededError', false]
	])('%o → %s', (error, quota) => {
		expect(isQuotaError(error)).toBe(quota);
	});
});
