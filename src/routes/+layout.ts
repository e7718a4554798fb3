// A client-rendered SPA: the shell (index.html, the adapter's fallback) is the only page built,
// every route runs in the browser and works offline from the service worker's precache.
export const ssr = false;
export const prerender = false;
