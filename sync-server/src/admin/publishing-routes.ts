/** The coordinators' screen of what is published (public/moderation.ts): the list, with what was
 * withdrawn and why; a reworded title or change; withdraw with a reason; restore. Each change is
 * audited and the public pages of this instance drop what they hold at once (others within their
 * 30-second cache). */
import type express from 'express';
import { LIMITS } from '../../../src/lib/domain/limits.js';
import { cleanUserText } from '../../../src/lib/domain/user-text.js';
import { asyncHandler } from '../http/errors.js';
import { requireRole } from '../http/guards.js';
import { listPublished, moderate, type Moderation } from '../public/moderation.js';
import { auditChange, type AdminContext } from './context.js';
import { Fields, required } from './fields.js';

const REASON_MAX = 500;

function decisionOf(action: string, body: unknown): Moderation {
	if (action === 'withdraw') {
		const fields = new Fields(body, ['reason']);
		const reason = fields.text('reason', { min: 3, max: REASON_MAX });
		fields.done();
		return { kind: 'withdraw', reason: cleanUserText(required(reason, 'reason')) };
	}
	if (action === 'restore') {
		new Fields(body, []).done();
		return { kind: 'restore' };
	}
	const fields = new Fields(body, ['title', 'change']);
	const title = fields.text('title', { min: LIMITS.SUBJECT_MIN, max: LIMITS.SUBJECT_MAX, optional: true });
	const change = fields.text('change', { min: LIMITS.BODY_MIN, max: LIMITS.BODY_MAX, optional: true });
	fields.done();
	return { kind: 'edit', ...(title === undefined ? {} : { title: cleanUserText(title) }), ...(change === undefined ? {} : { change: cleanUserText(change) }) };
}

export function publishingAdminRoutes(router: express.Router, ctx: AdminContext & { onPublicChange?: () => void }): void {
	const { store } = ctx;

	router.get(
		'/api/admin/published',
		asyncHandler(async (_req, res) => {
			requireRole(res, ['coordinator']);
			res.json({ suggestions: await listPublished(store) });
		})
	);

	for (const action of ['withdraw', 'restore', 'edit'] as const) {
		router.post(
			`/api/admin/published/:id/${action}`,
			asyncHandler(async (req, res) => {
				const user = requireRole(res, ['coordinator']);
				const decision = decisionOf(action, req.body);
				const { doc, changes } = await moderate(store, req.params.id, decision, user.user_id, new Date(ctx.now()).toISOString());
				if (Object.keys(changes).length > 0) {
					await auditChange(ctx, user, `admin.published.${action}`, { type: 'public_suggestion', id: doc._id }, { entityIds: [doc.entity_id], changes });
					ctx.onPublicChange?.();
				}
				res.json({ suggestion: doc });
			})
		);
	}
}
