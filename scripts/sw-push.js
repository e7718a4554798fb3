// The service worker's Web Push part (issue 16). scripts/build-sw.js writes this function's source
// into build/sw-push-<hash>.js with the `push.*` texts of messages/ar.json and en.json, and the
// Workbox worker imports it. A push is only a nudge: it names the kind of news and the reference,
// in the language the app had when the device subscribed; the case itself arrives by replication.
// A click focuses a window already on the case, or opens the case.
export function installPushHandlers(texts) {
	const CASE_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

	function notificationOf(data) {
		const locale = data.locale === 'en' ? 'en' : 'ar';
		const words = texts[locale];
		const ref = typeof data.ref === 'string' ? data.ref.slice(0, 40) : '';
		const template = Object.hasOwn(words.body, data.notice) ? words.body[data.notice] : words.body.other;
		const caseKey = typeof data.case_key === 'string' && CASE_KEY.test(data.case_key) ? data.case_key : null;
		return {
			title: words.title,
			options: {
				body: template.replace('{ref}', ref),
				lang: locale,
				dir: locale === 'ar' ? 'rtl' : 'ltr',
				icon: '/icons/icon-192.png',
				badge: '/icons/icon-192.png',
				// A newer notice of the same case replaces the older one on the screen.
				tag: caseKey ? `case:${caseKey}` : 'tawasul',
				data: { url: caseKey ? `/cases/${caseKey}` : '/cases' }
			}
		};
	}

	self.addEventListener('push', (event) => {
		let data = {};
		try {
			data = event.data ? event.data.json() : {};
		} catch (error) {
			// Not JSON: still a nudge, worded generically.
			console.warn('push payload unreadable', error);
		}
		const { title, options } = notificationOf(data && typeof data === 'object' ? data : {});
		event.waitUntil(self.registration.showNotification(title, options));
	});

	self.addEventListener('notificationclick', (event) => {
		event.notification.close();
		const url = new URL(event.notification.data?.url ?? '/cases', self.location.origin).href;
		event.waitUntil(
			(async () => {
				const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
				const open = windows.find((client) => client.url === url);
				if (open) return open.focus();
				return self.clients.openWindow(url);
			})()
		);
	});
}
