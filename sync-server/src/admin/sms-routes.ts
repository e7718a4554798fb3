/** What the coordinator sees of SMS delivery: how many messages are in each state, and the latest
 * that did not reach the person, with why. Never a message's text (a rating link is a secret
 * until used) and never a whole phone number. Read-only: a message that may have gone is not sent
 * again (README, SMS), and a sign-in code or rating link is asked for again by the person. */
import type express from 'express';
import { maskPhone } from '../audit/entries.js';
import { asyncHandler } from '../http/errors.js';
import { requireRole } from '../http/guards.js';
import { countByStatus, problemJobs, type JobStatus } from '../sms/jobs.js';
import type { AdminContext } from './context.js';

const DELIVERY_PAGE = 100;
const STATUSES: JobStatus[] = ['queued', 'sending', 'sent', 'held', 'delivered', 'undelivered', 'dead', 'opted_out', 'uncertain'];

export function smsAdminRoutes(router: express.Router, ctx: AdminContext): void {
	router.get(
		'/api/admin/sms/delivery',
		asyncHandler(async (_req, res) => {
			requireRole(res, ['coordinator']);
			const [counts, problems] = await Promise.all([countByStatus(ctx.store), problemJobs(ctx.store, DELIVERY_PAGE)]);
			res.json({
				counts: Object.fromEntries(STATUSES.map((status) => [status, counts[status] ?? 0])),
				problems: problems.map((job) => ({
					purpose: job.purpose,
					to: maskPhone(job.to),
					status: job.status,
					attempts: job.attempts,
					// A provider's message may quote the number it refused.
					error: job.error ? job.error.slice(0, 200).replace(/\+?\d[\d ]{6,}\d/g, (number) => maskPhone(number)) : null,
					created_at: job.created_at,
					updated_at: job.updated_at
				}))
			});
		})
	);
}
