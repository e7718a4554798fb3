/** A push service on loopback for tests (issue 16): HTTPS with a throw-away certificate, as the
 * real ones are, taking what web-push posts to a subscription's endpoint. It checks the VAPID
 * signature (RFC 8292) and decrypts the body (RFC 8291, aes128gcm) with the private key of a
 * browser-side subscription the test made, so a test sees what a device would. Each endpoint
 * answers 201 unless told to answer something else. */
import { createECDH, createPublicKey, hkdfSync, randomBytes, createDecipheriv, verify, type ECDH } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

/** What a browser keeps of its subscription: the endpoint, and the keys it decrypts with. */
export interface DeviceSubscription {
	endpoint: string;
	keys: { p256dh: string; auth: string };
	ecdh: ECDH;
	auth: Buffer;
}

interface Received {
	device: string;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	status: number;
}

export interface PushService {
	origin: string;
	agent: https.Agent;
	received: Received[];
	/** The answers a device's endpoint gives next, in order; then 201 again. */
	answer(device: string, ...statuses: number[]): void;
	device(name: string): DeviceSubscription;
	close(): Promise<void>;
}

function selfSignedCertificate(): { key: string; cert: string } {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'push-service-'));
	const key = path.join(dir, 'key.pem');
	const cert = path.join(dir, 'cert.pem');
	execFileSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'ec',
			'-pkeyopt',
			'ec_paramgen_curve:prime256v1',
			'-nodes',
			'-keyout',
			key,
			'-out',
			cert,
			'-days',
			'1',
			'-subj',
			'/CN=127.0.0.1',
			'-addext',
			'subjectAltName=IP:127.0.0.1'
		],
		{ stdio: 'ignore' }
	);
	const pair = { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
	fs.rmSync(dir, { recursive: true, force: true });
	return pair;
}

export async function startPushService(): Promise<PushService> {
	const { key, cert } = selfSignedCertificate();
	const received: Received[] = [];
	const answers = new Map<string, number[]>();
	const server = https.createServer({ key, cert }, (req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const device = decodeURIComponent((req.url ?? '').replace(/^\/push\//, ''));
			const status = answers.get(device)?.shift() ?? 201;
			received.push({ device, headers: req.headers, body: Buffer.concat(chunks), status });
			res.statusCode = status;
			res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		origin,
		agent: new https.Agent({ ca: cert, keepAlive: false }),
		received,
		answer: (device, ...statuses) => answers.set(device, [...(answers.get(device) ?? []), ...statuses]),
		device: (name) => {
			const ecdh = createECDH('prime256v1');
			ecdh.generateKeys();
			const auth = randomBytes(16);
			return { endpoint: `${origin}/push/${encodeURIComponent(name)}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') }, ecdh, auth };
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

/** The plaintext of an aes128gcm body (RFC 8188 header, RFC 8291 keys), as the browser gets it. */
export function decryptPush(body: Buffer, subscription: Pick<DeviceSubscription, 'ecdh' | 'auth'>): string {
	const salt = body.subarray(0, 16);
	const idLength = body[20];
	const senderKey = body.subarray(21, 21 + idLength);
	const ciphertext = body.subarray(21 + idLength);
	const shared = subscription.ecdh.computeSecret(senderKey);
	const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), subscription.ecdh.getPublicKey(), senderKey]);
	const ikm = Buffer.from(hkdfSync('sha256', shared, subscription.auth, keyInfo, 32));
	const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
	const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
	const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
	decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
	const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
	// One record, the last: the content, then the delimiter 2, then zero padding.
	const end = padded.lastIndexOf(2);
	if (end < 0 || padded.subarray(end + 1).some((byte) => byte !== 0)) throw new Error('no last-record delimiter');
	return padded.subarray(0, end).toString('utf8');
}

/** The VAPID claims of an Authorization header, once its ES256 signature checks out with `k`. */
export function verifyVapid(header: string | undefined, publicKey: string): { aud: string; exp: number; sub: string } {
	const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '');
	if (!match) throw new Error(`not a VAPID Authorization header: ${header}`);
	const [, token, key] = match;
	if (key !== publicKey) throw new Error("VAPID key is not the server's");
	const point = Buffer.from(key, 'base64url');
	const jwk = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') };
	const [head, claims, signature] = token.split('.');
	const valid = verify('sha256', Buffer.from(`${head}.${claims}`), { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
	if (!valid) throw new Error('VAPID signature does not verify');
	return JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
}
