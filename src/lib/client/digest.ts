import type { DailyDigest } from '$lib/domain/digest';
import { request } from './api';

/** The manager's daily digest as GET /api/sla/digest returns it (sync-server/src/sla/digest.ts).
 * Made on the server once a working day; read when online, like the lists it gathers. */
export interface DigestAnswer {
	/** Today in the national calendar, by the server's clock. */
	today: string;
	/** When the digest is made, 'HH:MM' national time. */
	time: string;
	digest: DailyDigest | null;
	sms: { enabled: boolean; phone: string | null };
}

export const fetchDigest = () => request<DigestAnswer>('GET', '/api/sla/digest');
export const setDigestSms = (enabled: boolean, locale: 'ar' | 'en') => request<{ enabled: boolean }>('PUT', '/api/sla/digest/sms', { enabled, locale });
