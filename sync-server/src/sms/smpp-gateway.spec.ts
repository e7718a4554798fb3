import { afterEach, describe, expect, it } from 'vitest';
import { setLogLevel } from '../log.js';
import type { GatewayEvents, SmsGateway } from './gateway.js';
import { createSmppGateway, parseReceipt, type SmppConfig } from './smpp-gateway.js';
import type { SmppPdu } from './smpp-client.js';
import { startTestSmsc, type TestSmsc } from '../../../tests/support/smpp-test-server.js';

setLogLevel('silent');
let smsc: TestSmsc | null = null;
let gateway: SmsGateway | null = null;
afterEach(async () => {
	await gateway?.close?.();
	await smsc?.close();
	gateway = null;
	smsc = null;
});

const config = (url: string, bind: SmppConfig['bind'] = 'transceiver'): SmppConfig => ({
	url,
	systemId: 'tawasul',
	password: 'secret',
	systemType: '',
	bind,
	sender: 'Tawasul',
	enquireLinkMs: 30_000,
	timeoutMs: 2000
});

function collect() {
	const receipts: Parameters<GatewayEvents['receipt']>[0][] = [];
	const inbound: Parameters<GatewayEvents['inbound']>[0][] = [];
	return { receipts, inbound, events: { receipt: (r) => receipts.push(r), inbound: (m) => inbound.push(m) } as GatewayEvents };
}

const until = async (check: () => boolean, ms = 3000) => {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
};

const ARABIC = 'تواصل: ردّت وزارة الأشغال على طلبك 26-000123-7. قيّم الرد خلال 14 يومًا: https://tawasul.example/r/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd';

describe('smpp gateway', () => {
	it.each(['transceiver', 'transmitter'] as const)("as %s: sends Arabic as UCS-2 in concatenated parts and gets each part's receipt", async (bind) => {
		smsc = await startTestSmsc({ receipts: true });
		const { receipts, events } = collect();
		gateway = createSmppGateway(config(smsc.url, bind));
		gateway.listen!(events);
		const outcome = await gateway.send({ id: 'job:a', to: '+97336000001', text: ARABIC });
		expect(outcome).toMatchObject({ parts: 3 });
		expect(smsc.parts.map((p) => p.data_coding)).toEqual([8, 8, 8]);
		expect(smsc.parts.map((p) => p.concat?.seq)).toEqual([1, 2, 3]);
		expect(smsc.parts.every((p) => p.to === '97336000001' && p.from === 'Tawasul')).toBe(true);
		expect(smsc.parts.map((p) => p.bytes.length / 2)).toEqual([67, 67, ARABIC.length - 134]);
		expect(smsc.messages()).toEqual([{ to: '97336000001', text: ARABIC, parts: 3, data_coding: 8 }]);
		await until(() => receipts.length === 3);
		expect(receipts.map((r) => r.state)).toEqual(['delivered', 'delivered', 'delivered']);
		expect(new Set(receipts.map((r) => r.provider_id))).toEqual(new Set((outcome as { provider_ids: string[] }).provider_ids));
		expect(smsc.binds.sort()).toEqual(bind === 'transceiver' ? ['transceiver'] : ['receiver', 'transmitter']);
	});

	it('sends a short English text as one GSM part', async () => {
		smsc = await startTestSmsc();
		gateway = createSmppGateway(config(smsc.url));
		await gateway.send({ id: 'job:b', to: '+97336000002', text: 'Your Tawasul sign-in code: 123456.' });
		expect(smsc.parts).toHaveLength(1);
		expect(smsc.parts[0]).toMatchObject({ data_coding: 0, concat: null, text: 'Your Tawasul sign-in code: 123456.' });
	});

	it('hands on a reply from a phone (MO), such as STOP', async () => {
		smsc = await startTestSmsc();
		const { inbound, events } = collect();
		gateway = createSmppGateway(config(smsc.url));
		gateway.listen!(events);
		await gateway.send({ id: 'job:c', to: '+97336000003', text: 'hello' });
		await smsc.sendMo('+97336000003', 'STOP');
		await until(() => inbound.length === 1);
		expect(inbound[0]).toEqual({ from: '97336000003', text: 'STOP' });
	});

	it.each([
		[0x58, true],
		[0x0b, false]
	])('an SMSC refusal with status %i is retryable: %s', async (status, retryable) => {
		smsc = await startTestSmsc();
		smsc.failNext(1, status);
		gateway = createSmppGateway(config(smsc.url));
		const error = await gateway.send({ id: 'job:d', to: '+97336000004', text: 'x' }).catch((e) => e);
		expect(error).toMatchObject({ name: 'SmsSendError', retryable, uncertain: false });
	});

	it('an unreachable SMSC is a temporary failure', async () => {
		gateway = createSmppGateway({ ...config('smpp://127.0.0.1:1'), timeoutMs: 500 });
		const error = await gateway.send({ id: 'job:e', to: '+97336000005', text: 'x' }).catch((e) => e);
		expect(error).toMatchObject({ name: 'SmsSendError', retryable: true });
	});

	it.each([
		[
			{ receipted_message_id: 'm9', message_state: 2 },
			{ provider_id: 'm9', state: 'delivered' }
		],
		[{ short_message: { message: 'id:m7 sub:001 dlvrd:000 submit date:2601010000 done date:2601010000 stat:UNDELIV err:001 text:' } }, { provider_id: 'm7', state: 'failed', detail: 'UNDELIV' }],
		[{ short_message: { message: 'id:m8 stat:ENROUTE' } }, { provider_id: 'm8', state: 'pending' }],
		[{ short_message: { message: 'no id here' } }, null]
	])('reads the receipt %o', (fields, expected) => {
		expect(parseReceipt({ esm_class: 4, ...fields } as unknown as SmppPdu)).toEqual(expected);
	});
});
