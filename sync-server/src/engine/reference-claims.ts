/** `POST /api/references/claims` `{ claims: [{ case_key, ref, ref_seal }] }`: a device hands back
 * the sealed references its mirror holds (references.ts), so that a case the store lost and
 * re-creates from re-pushed actions keeps its number, and that number is never issued again.
 *
 * Any signed-in person may send claims: a seal proves the pair came from this server, whoever
 * carries it, and a claim only restates a fact (this case had this number). A claim whose seal
 * does not check out is counted as refused and changes nothing. */
import express from 'express';
import { DB } from '../../../src/lib/domain/doc-types.js';
import { TawasulError } from '../../../src/lib/domain/errors.js';
import type { SessionUser } from '../auth/types.js';
import { asyncHandler, sendError } from '../http/errors.js';
import type { Store } from '../store.js';
import { claimByCaseDocId, claimDocId, isSealed, parseReference, referenceKey } from './references.js';

const MAX_CLAIMS = 1000;
const CASE_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Claim {
	case_key: string;
	ref: string;
	ref_seal: string;
}

/** Records the claims whose seal is right; returns how many were accepted. */
async function recordClaims(store: Store, secretsKey: Buffer, claims: unknown[]): Promise<number> {
	const key = referenceKey(secretsKey);
	const docs: Record<string, unknown>[] = [];
	for (const raw of claims) {
		const claim = raw as Partial<Claim> | null;
		if (!claim || typeof claim.case_key !== 'string' || !CASE_KEY.test(claim.case_key) || typeof claim.ref !== 'string' || typeof claim.ref_seal !== 'string') continue;
		const parsed = parseReference(claim.ref);
		if (!parsed || !isSealed(key, claim.ref, claim.case_key, claim.ref_seal)) continue;
		const fields = { type: 'reference_claim', case_key: claim.case_key, ref: claim.ref };
		docs.push({ _id: claimDocId(parsed.year, parsed.seq), ...fields }, { _id: claimByCaseDocId(claim.case_key), ...fields });
	}
	if (docs.length === 0) return 0;
	await store.ensureDb(DB.ENGINE);
	// Created once each; a claim made before answers with a conflict, which is the same fact.
	const response = await store.fetch(`/${DB.ENGINE}/_bulk_docs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ docs })
	});
	if (!response.ok) throw new Error(`recording reference claims answered ${response.status}`);
	const results = (await response.json()) as { error?: string }[];
	const failed = results.find((r) => r.error && r.error !== 'conflict');
	if (failed) throw new Error(`recording a reference claim: ${failed.error}`);
	return docs.length / 2;
}

export function referenceClaimsRouter(deps: { store: Store; secretsKey: Buffer | null }): express.Router {
	const router = express.Router();
	router.post(
		'/api/references/claims',
		express.json({ limit: '256kb' }),
		asyncHandler(async (req, res) => {
			res.setHeader('Cache-Control', 'no-store');
			const user = res.locals.user as SessionUser | null;
			if (!user) throw new TawasulError(401, 'unauthorized');
			const claims = (req.body as { claims?: unknown } | null | undefined)?.claims;
			if (!Array.isArray(claims) || claims.length > MAX_CLAIMS) throw new TawasulError(400, 'invalid_format');
			const accepted = deps.secretsKey ? await recordClaims(deps.store, deps.secretsKey, claims) : 0;
			res.json({ accepted, refused: claims.length - accepted });
		})
	);
	router.use('/api/references', (error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
		sendError(res, error);
	});
	return router;
}
