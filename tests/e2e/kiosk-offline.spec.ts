/** Issue 12, step 5, in the browser: the network goes while a citizen files at a kiosk. The
 * receipt says the reference will follow by SMS and shows a local receipt code; the filing waits
 * in the kiosk's own database, sealed (the citizen's words are nowhere in what is stored); the
 * idle time-out wipes everything of the citizen but leaves the sealed filing; when the network
 * returns the kiosk sends it by itself, the case is the citizen's with its reference, the
 * reference SMS goes out, and the outbox is empty. In Arabic at 360 px, with axe. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { caseDocId, userDb, type CaseDoc } from '../../src/lib/domain/doc-types.js';
import { isValidReference } from '../../src/lib/domain/reference.js';
import { remote, signInCitizen, staffSession, waitFor } from '../integration/harness.js';
import { axe, enrolKioskOnPage, msg, PHONE, preferLanguage, registerKioskByApi, signInAtKiosk, useApp } from './browser.js';

const IDLE_SECONDS = 20;
const app = useApp({ KIOSK_IDLE_SECONDS: String(IDLE_SECONDS) });

/** What the kiosk's outbox holds, as stored in IndexedDB. */
async function storedOutbox(page: Page): Promise<unknown[]> {
	return page.evaluate(
		() =>
			new Promise<unknown[]>((resolve, reject) => {
				const open = indexedDB.open('tawasul-kiosk');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const request = open.result.transaction('outbox').objectStore('outbox').getAll();
					request.onsuccess = () => {
						open.result.close();
						resolve(request.result);
					};
					request.onerror = () => reject(request.error);
				};
			})
	);
}

async function fleetEntry(kioskId: string) {
	const coordinator = await staffSession(app.base, 'coordinator');
	const { kiosks } = await (await fetch(`${app.base}/api/admin/kiosk-devices`, { headers: { cookie: coordinator.cookie } })).json();
	return kiosks.find((k: { kiosk_id: string }) => k.kiosk_id === kioskId);
}

describe('an offline kiosk', () => {
	it('keeps a filing sealed through the wipe and sends it when the network returns', async () => {
		const context = await app.context({ viewport: PHONE, bypassCSP: true });
		await preferLanguage(context, 'ar');
		const page = await context.newPage();
		const { kiosk_id, code } = await registerKioskByApi(app.base, 'Offline kiosk');
		await enrolKioskOnPage(page, code, 'ar');
		const phone = '+97336100501';
		await signInAtKiosk(page, app.base, phone, 'ar');

		const subject = 'Flooded underpass near the centre';
		const text = 'After every rain the underpass by the service centre floods and cars get stuck.';
		await page.locator('#case-type-complaint').check();
		await page.locator('#category').selectOption('works-potholes');
		await page.locator('#subject').fill(subject);
		await page.locator('#body').fill(text);
		await context.setOffline(true);
		await page.getByRole('button', { name: msg('ar', 'form.submit'), exact: true }).click();

		await page.getByRole('heading', { level: 1, name: msg('ar', 'kiosk.receipt.pending_title') }).waitFor({ timeout: 20_000 });
		const receiptCode = (await page.locator('.local-code').textContent())!.trim();
		expect(receiptCode).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
		expect(await page.locator('.receipt').textContent()).toContain(msg('ar', 'kiosk.receipt.pending_sms'));
		expect(await axe(page)).toEqual([]);

		// Stored, but not readable: the citizen's words, subject and phone are not in the record.
		const [record, ...more] = await storedOutbox(page);
		expect(more).toEqual([]);
		const stored = JSON.stringify(record);
		for (const trace of [subject, text, 'underpass', phone.slice(4)]) expect(stored).not.toContain(trace);
		expect(record).toMatchObject({ receipt_code: receiptCode, sealed: { data: expect.any(String) } });

		// Nobody touches the kiosk: the time-out wipes the citizen, offline too, but not the outbox.
		await page.getByRole('heading', { level: 1, name: msg('ar', 'kiosk.start.title') }).waitFor({ timeout: (IDLE_SECONDS + 10) * 1000 });
		const content = await page.content();
		for (const trace of [subject, text, receiptCode, phone.slice(4)]) expect(content).not.toContain(trace);
		expect(await storedOutbox(page)).toHaveLength(1);

		// The network returns, but the first send is lost on the way (the connection drops, as it
		// often does when it has just come back) while the heartbeat gets through: the kiosk tries
		// again by itself, well before its next heartbeat, and empties its outbox.
		let dropped = 0;
		await page.route('**/api/kiosk/outbox', (route) => (dropped++ === 0 ? route.abort('connectionreset') : route.continue()));
		await context.setOffline(false);
		await expect.poll(() => storedOutbox(page), { timeout: 30_000 }).toEqual([]);
		expect(dropped).toBeGreaterThanOrEqual(2);
		const citizen = await signInCitizen(app.base, phone);
		const mine = await waitFor(
			async () => {
				const cases = await remote(app.base, userDb(citizen.user.user_id), citizen).allDocs({ include_docs: true });
				return cases.rows.map((row: { doc: CaseDoc }) => row.doc).find((doc: CaseDoc) => doc.subject === subject);
			},
			20_000,
			'the case in the citizen replica'
		);
		expect(isValidReference(mine.ref!)).toBe(true);
		expect(mine.kiosk).toMatchObject({ kiosk_id, receipt_code: receiptCode });
		expect(await remote(app.base, userDb(citizen.user.user_id), citizen).get(caseDocId(mine.case_key))).toMatchObject({ ref: mine.ref });
		// The reference goes to the citizen by SMS, once.
		const sms = await waitFor(
			async () => {
				const { messages } = await (await fetch(`${app.base}/api/dev/sms?phone=${encodeURIComponent(phone)}`)).json();
				const found = (messages as { text: string }[]).filter((m) => m.text.includes(mine.ref!));
				return found.length ? found : undefined;
			},
			20_000,
			'reference SMS'
		);
		expect(sms).toHaveLength(1);
		// And the fleet view hears the outbox is empty again.
		await expect.poll(async () => (await fleetEntry(kiosk_id)).outbox_length, { timeout: 20_000 }).toBe(0);
	}, 120_000);
});
