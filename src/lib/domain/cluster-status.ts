/** The study of a repeated-case cluster (issue 13): a manager takes it up, then marks its root
 * cause fixed; a fix that did not hold goes back under study. Apart from `clusters.ts` so that the
 * staff screens use it without the text-matching code. */
const CLUSTER_STATUSES = ['open', 'under_study', 'fixed'] as const;
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

const TRANSITIONS: Record<ClusterStatus, readonly ClusterStatus[]> = {
	open: ['under_study'],
	under_study: ['fixed', 'open'],
	fixed: ['under_study']
};

export function isClusterStatus(value: unknown): value is ClusterStatus {
	return typeof value === 'string' && (CLUSTER_STATUSES as readonly string[]).includes(value);
}

export function clusterTransitionAllowed(from: ClusterStatus, to: ClusterStatus): boolean {
	return TRANSITIONS[from].includes(to);
}

/** The statuses a cluster may move to from `from`, in the order the screen offers them. */
export function nextClusterStatuses(from: ClusterStatus): readonly ClusterStatus[] {
	return TRANSITIONS[from];
}
