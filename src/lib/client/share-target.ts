/** What the phone's share sheet handed to the installed app (issue 15): the service worker keeps
 * the shared photos and text in Cache Storage (scripts/sw-share.js); the new report takes them
 * once, and they are gone from the cache as soon as they are read. */

const SHARE_CACHE = 'tawasul-share';

export interface SharedItems {
	files: File[];
	text: string;
	/** Files left out: too many, or too large to be a photo. */
	dropped: number;
}

export async function takeSharedItems(): Promise<SharedItems | null> {
	if (typeof caches === 'undefined' || !(await caches.has(SHARE_CACHE))) return null;
	const cache = await caches.open(SHARE_CACHE);
	try {
		const meta = await cache.match('/share-target/meta');
		if (!meta) return null;
		const { text, files: count, dropped } = (await meta.json()) as { text?: unknown; files?: unknown; dropped?: unknown };
		const files: File[] = [];
		for (let i = 0; i < Number(count); i++) {
			const stored = await cache.match(`/share-target/file/${i}`);
			if (!stored) continue;
			const name = decodeURIComponent(stored.headers.get('x-file-name') ?? 'photo');
			files.push(new File([await stored.blob()], name, { type: stored.headers.get('content-type') ?? '' }));
		}
		return { files, text: typeof text === 'string' ? text : '', dropped: Number(dropped) || 0 };
	} finally {
		await caches.delete(SHARE_CACHE);
	}
}
