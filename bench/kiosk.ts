/** The self-service kiosk in the machine's Chromium (issue 12), on the built PWA (`npm run build`
 * first) served by a server on the bench's store:
 * - kiosk.submit_to_receipt_ms: the citizen presses "Send" on a filled case form until the
 *   receipt with its reference is on the screen (the filing, the engine routing and numbering the
 *   case, the receipt's polling);
 * - kiosk.session_wipe_ms: from the idle time-out to a clean device (the screen emptied, the
 *   server's session ended, every store of the browser but the kiosk's own wiped), as the screen
 *   measures it (`WIPE_MEASURE`).
 * BENCH_KIOSK_RUNS citizens (default 5), one after the other, each with their own phone. */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { WIPE_MEASURE } from '../src/lib/domain/kiosk-session.js';
import { enrolmentLink } from '../src/lib/domain/kiosk-signing.js';
import { signInStaff, startInProcess } from '../tests/integration/harness.js';
import { emit, percentile } from './emit.js';
import { benchPlace, benchServerEnv, removeBenchPlace } from './store.js';

const RUNS = Number(process.env.BENCH_KIOSK_RUNS ?? 5);
const IDLE_SECONDS = 8;
const BUILD = path.resolve(import.meta.dirname, '../build');

async function latestCode(base: string, phone: string): Promise<string> {
	const { messages } = (await (await fetch(`${base}/api/dev/sms?phone=${encodeURIComponent(phone)}`)).json()) as { messages: { text: string }[] };
	return /(\d{6})/.exec(messages[0]?.text ?? '')?.[1] ?? '';
}

async function enrolledKiosk(page: Page, base: string): Promise<void> {
	const coordinator = await signInStaff(base, 'coordinator');
	const response = await fetch(`${base}/api/admin/kiosk-devices`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: coordinator.cookie },
		body: JSON.stringify({ name: 'Bench kiosk', centre: 'Bench centre', location: '26.2235, 50.5876' })
	});
	const { enrolment_code } = (await response.json()) as { enrolment_code: string };
	await page.goto(enrolmentLink(base, enrolment_code));
	await page.locator('#kiosk-enrol-submit').click();
	await page.locator('#kiosk-phone').waitFor();
}

/** One citizen: phone and code, a case, the receipt (timed), then walking away (timed by the page). */
async function citizen(page: Page, base: string, phone: string, run: number): Promise<{ receiptMs: number; wipeMs: number }> {
	await page.locator('#kiosk-phone').fill(phone);
	await page.locator('form button[type="submit"]').click();
	await page.locator('#kiosk-code').waitFor();
	await page.locator('#kiosk-code').fill(await latestCode(base, phone));
	await page.locator('form button[type="submit"]').click();
	await page.locator('#subject').waitFor();
	await page.locator('#case-type-complaint').check();
	await page.locator('#category').selectOption('works-potholes');
	await page.locator('#subject').fill('Bench: a broken street light');
	await page.locator('#body').fill('The street light by the service centre has been out for a week.');
	const submit = page.locator('form button[type="submit"]').first();
	const started = Date.now();
	await submit.click();
	await page.locator('.receipt .ref').waitFor({ timeout: 30_000 });
	const receiptMs = Date.now() - started;
	await page.locator('#kiosk-phone').waitFor({ timeout: (IDLE_SECONDS + 20) * 1000 });
	// The screen shows the welcome first, then wipes: the measure is recorded once the wipe is done.
	await page.waitForFunction(([name, seen]) => performance.getEntriesByName(name).length > seen, [WIPE_MEASURE, run] as const);
	const wipeMs = await page.evaluate(([name, seen]) => performance.getEntriesByName(name)[seen].duration, [WIPE_MEASURE, run] as const);
	return { receiptMs, wipeMs };
}

export async function benchKiosk(): Promise<void> {
	if (!fs.existsSync(path.join(BUILD, 'index.html'))) {
		process.stderr.write('kiosk bench skipped: build/ is missing (npm run build)\n');
		return;
	}
	const place = benchPlace('kiosk');
	const server = await startInProcess({ ...benchServerEnv(place), STATIC_DIR: BUILD, KIOSK_IDLE_SECONDS: String(IDLE_SECONDS) });
	const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
	try {
		const context = await browser.newContext({ baseURL: server.base, locale: 'en-GB' });
		const page = await context.newPage();
		await enrolledKiosk(page, server.base);
		const receipts: number[] = [];
		const wipes: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			const { receiptMs, wipeMs } = await citizen(page, server.base, `+9733620${String(i).padStart(4, '0')}`, i);
			receipts.push(receiptMs);
			wipes.push(wipeMs);
		}
		emit({ name: 'kiosk.submit_to_receipt_ms', value: Math.round(percentile(receipts, 50)), unit: 'ms', p95: Math.round(percentile(receipts, 95)), samples: receipts.length, browser: 'chromium' });
		emit({ name: 'kiosk.session_wipe_ms', value: Math.round(percentile(wipes, 50)), unit: 'ms', p95: Math.round(percentile(wipes, 95)), samples: wipes.length, browser: 'chromium' });
	} finally {
		await browser.close();
		await server.stop();
		await removeBenchPlace(place);
	}
}
