import type { ClusterStatus } from '$lib/domain/cluster-status';
import type { ClusterSummary } from '$lib/domain/clusters';
import { request } from './api';

export type { ClusterSummary };

/** GET /api/clusters (issue 13): the most repeated clusters of the window ending now. These are
 * read from the server's clusters, so they need a connection. */
export interface ClustersAnswer {
	scope: string;
	window_days: number;
	at: string;
	clusters: ClusterSummary[];
}

export interface CaseClusterAnswer {
	case_key: string;
	cluster: ClusterSummary | null;
	/** The case joined its cluster after the root cause was marked fixed. */
	after_fix: boolean;
}

export function fetchClusters(scope?: string, limit = 10): Promise<ClustersAnswer> {
	const query = new URLSearchParams({ limit: String(limit), ...(scope ? { scope } : {}) });
	return request<ClustersAnswer>('GET', `/api/clusters?${query}`);
}

export function setClusterStatus(clusterId: string, status: ClusterStatus): Promise<{ cluster: ClusterSummary }> {
	return request('POST', `/api/clusters/${encodeURIComponent(clusterId)}/status`, { status });
}

export function fetchCaseCluster(caseKey: string): Promise<CaseClusterAnswer> {
	return request<CaseClusterAnswer>('GET', `/api/cases/${encodeURIComponent(caseKey)}/cluster`);
}
