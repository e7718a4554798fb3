// The service worker's Web Share Target (issue 15). The installed app is offered in the phone's
// share sheet (static/manifest.webmanifest, `share_target`); a photo shared from the gallery
// arrives here as a POST of multipart form data to /share-target. Its files and text are kept in
// Cache Storage, under CACHE, and the app opens a new report that takes them in
// (src/lib/client/share-target.ts). Nothing goes to the server, and a share works offline.
// scripts/build-sw.js writes this function's source into build/sw-share-<hash>.js.
export function installShareTarget(limits) {
	const CACHE = 'tawasul-share';

	async function keep(request) {
		const cache = await caches.open(CACHE);
		for (const key of await cache.keys()) await cache.delete(key);
		let form;
		try {
			form = await request.formData();
		} catch {
			return Response.redirect('/new?shared=failed', 303);
		}
		const text = ['title', 'text', 'url']
			.map((name) => form.get(name))
			.filter((value) => typeof value === 'string' && value.trim() !== '')
			.join('\n')
			.slice(0, limits.textChars);
		const files = form
			.getAll('photos')
			.filter((value) => value instanceof File)
			.slice(0, limits.files);
		let index = 0;
		for (const file of files) {
			if (file.size > limits.fileBytes) continue;
			const name = (file.name || 'photo').slice(-100);
			await cache.put(`/share-target/file/${index++}`, new Response(file, { headers: { 'content-type': file.type || 'application/octet-stream', 'x-file-name': encodeURIComponent(name) } }));
		}
		await cache.put('/share-target/meta', new Response(JSON.stringify({ text, files: index, dropped: files.length - index, at: Date.now() }), { headers: { 'content-type': 'application/json' } }));
		return Response.redirect('/new?shared=1', 303);
	}

	self.addEventListener('fetch', (event) => {
		const url = new URL(event.request.url);
		if (event.request.method !== 'POST' || url.origin !== self.location.origin || url.pathname !== '/share-target') return;
		event.respondWith(keep(event.request));
	});
}
