// Runs only while prerendering: the app has no server at run time.
import type { Handle } from '@sveltejs/kit';

// The prerendered public pages are complete as HTML; their JavaScript only
// adds client-side navigation and the runtime config. Not preloading it keeps
// it from competing with the first paint on slow mobile connections. The app
// shell (200.html) keeps its preloads: it shows nothing until its code runs.
const PUBLIC_PAGES = new Set(['/', '/termos']);

export const handle: Handle = ({ event, resolve }) =>
	resolve(event, {
		preload: ({ type }) => type !== 'js' || !PUBLIC_PAGES.has(event.route.id ?? '')
	});
