/** Open311 API keys (open311/keys.ts): a coordinator issues one per partner system, sees who has
 * which, since when and when it was last used, and revokes it. The key itself is in the answer
 * to its creation only; the server keeps its hash. Every change is audited. */
import type express from 'express';
import { asyncHandler } from '../http/errors.js';
import { requireRole } from '../http/guards.js';
import { issueKey, listKeys, revokeKey } from '../open311/keys.js';
import { auditChange, type AdminContext } from './context.js';
import { Fields, required } from './fields.js';

export function apiKeyAdminRoutes(router: express.Router, ctx: AdminContext): void {
	const { store } = ctx;

	router.get(
		'/api/admin/api-keys',
		asyncHandler(async (_req, res) => {
			requireRole(res, ['coordinator']);
			res.json({ keys: await listKeys(store) });
		})
	);

	router.post(
		'/api/admin/api-keys',
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['coordinator']);
			const fields = new Fields(req.body, ['name']);
			const name = fields.text('name', { min: 3, max: 120 });
			fields.done();
			const { key, apiKey } = await issueKey(store, required(name, 'name'), user.user_id, new Date(ctx.now()));
			await auditChange(ctx, user, 'admin.api_key.create', { type: 'api_key', id: key.key_id }, { changes: { name: { from: null, to: key.name } } });
			res.status(201).json({ key, api_key: apiKey });
		})
	);

	router.post(
		'/api/admin/api-keys/:key_id/revoke',
		asyncHandler(async (req, res) => {
			const user = requireRole(res, ['coordinator']);
			const key = await revokeKey(store, req.params.key_id, user.user_id, new Date(ctx.now()));
			await auditChange(ctx, user, 'admin.api_key.revoke', { type: 'api_key', id: key.key_id }, { changes: { revoked_at: { from: null, to: key.revoked_at } } });
			res.json({ key });
		})
	);
}
