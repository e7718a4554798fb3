import { endOfLocalDay, startOfLocalDay } from '$lib/domain/calendar';
import type { Role } from '$lib/domain/doc-types';
import { request } from './api';
import { i18n } from './i18n.svelte';

/** One entry of the audit trail as GET /api/audit returns it (docs/design.md, "Audit trail"). */
export interface AuditEntry {
	/** The entry's id in the trail (`audit:<action_id>`, `audit:adm:<uuid>` or `audit:auth:<uuid>`). */
	id: string;
	source: 'case' | 'admin' | 'auth';
	/** An action kind ('reply'…) or a coordinator change ('admin.settings.update'…). */
	kind: string;
	at: string;
	actor: { user_id: string; role: Role; entity_id?: string } | null;
	device_id: string | null;
	entity_ids: string[];
	outcome: 'applied' | 'refused' | 'failed';
	code?: string;
	case_key?: string;
	case_ref?: string;
	target?: { type: string; id: string };
	/** Admin changes: the fields changed; a photo redaction: its regions, or the reason given. */
	changes?: Record<string, unknown>;
}

export interface AuditPage {
	entries: AuditEntry[];
	/** Null on the last page. */
	next_cursor: string | null;
}

export interface AuditQuery {
	/** Coordinators only; a manager always reads their own entity. */
	entity?: string;
	/** Days (YYYY-MM-DD) in the national time zone, both included. */
	from?: string;
	to?: string;
	cursor?: string | null;
	limit?: number;
}

const AUDIT_PAGE_SIZE = 50;

/** A page of the trail, newest first. The days are turned into instants of the national time
 * zone here: the server reads a bare date as a UTC day, which would cut three hours off Bahrain's. */
export function fetchAudit(query: AuditQuery, timeZone = i18n.timeZone): Promise<AuditPage> {
	const params = new URLSearchParams({ limit: String(query.limit ?? AUDIT_PAGE_SIZE) });
	if (query.entity) params.set('entity', query.entity);
	if (query.from) params.set('from', startOfLocalDay(query.from, timeZone).toISOString());
	if (query.to) params.set('to', endOfLocalDay(query.to, timeZone).toISOString());
	if (query.cursor) params.set('cursor', query.cursor);
	return request<AuditPage>('GET', `/api/audit?${params}`);
}

/** The message key naming what an entry records, or null for a kind this version does not know. */
export function auditKindKey(kind: string, has: (key: string) => boolean = (key) => i18n.has(key)): string | null {
	for (const key of [`audit.kind.${kind}`, `action.kind.${kind}`]) if (has(key)) return key;
	return null;
}
