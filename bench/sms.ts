/** sms.smpp_msgs_per_s: messages per second through the whole SMS path — queued as jobs in the
 * store, claimed, sent over SMPP (UCS-2, as Arabic goes) to an SMSC on loopback, marked sent —
 * and, for comparison, the gateway alone writing submit_sm with no queue. */
import { openTestStore } from '../tests/support/test-store.js';
import { installSmsDesign } from '../sync-server/src/sms/jobs.js';
import { SmsSender } from '../sync-server/src/sms/sender.js';
import { createSmppGateway } from '../sync-server/src/sms/smpp-gateway.js';
import { startTestSmsc } from '../tests/support/smpp-test-server.js';
import { emit } from './emit.js';

const MESSAGES = Number(process.env.BENCH_SMS_MESSAGES ?? 1000);
const TEXT = 'تواصل: ردّت الجهة على طلبك. قيّم الرد خلال 14 يومًا'; // one UCS-2 part

export async function benchSms(): Promise<void> {
	const smsc = await startTestSmsc();
	const { store, close } = await openTestStore();
	const config = { url: smsc.url, systemId: 'bench', password: '', systemType: '', bind: 'transceiver' as const, sender: 'Tawasul', enquireLinkMs: 30_000, timeoutMs: 10_000 };
	try {
		// The gateway alone: the ceiling the queue is measured against.
		const raw = createSmppGateway(config);
		await raw.send({ id: 'warm-up', to: '+97336000000', text: TEXT });
		const rawStart = performance.now();
		for (let i = 0; i < MESSAGES; i += 20) {
			await Promise.all(Array.from({ length: Math.min(20, MESSAGES - i) }, (_, j) => raw.send({ id: `raw-${i + j}`, to: `+9733${String(6000000 + i + j)}`, text: TEXT })));
		}
		const rawPerS = MESSAGES / ((performance.now() - rawStart) / 1000);
		await raw.close!();

		await installSmsDesign(store);
		const before = smsc.parts.length;
		const sender = new SmsSender(store, { gateway: createSmppGateway(config), instanceId: 'bench', perNumberPerHour: 10_000 });
		sender.start();
		// Queued while the sender runs, a few at a time as the engine's invitation step does.
		const start = performance.now();
		for (let i = 0; i < MESSAGES; i += 4) {
			await Promise.all(
				Array.from({ length: Math.min(4, MESSAGES - i) }, (_, j) => sender.enqueue({ source: `bench-${i + j}`, purpose: 'notice', to: `+9733${String(6100000 + i + j)}`, text: TEXT }))
			);
		}
		while (smsc.parts.length - before < MESSAGES) await new Promise((r) => setTimeout(r, 5));
		const seconds = (performance.now() - start) / 1000;
		await sender.stop();
		const perS = MESSAGES / seconds;
		emit({
			name: 'sms.smpp_msgs_per_s',
			value: Math.round(perS),
			unit: 'msg/s',
			messages: MESSAGES,
			gateway_only_msgs_per_s: Math.round(rawPerS),
			ratio_to_gateway_only: Number((perS / rawPerS).toFixed(2))
		});
	} finally {
		await close();
		await smsc.close();
	}
}
