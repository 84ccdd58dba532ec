// A single-page app: pages render in the browser and unknown paths get the
// 200.html fallback. The public pages opt back into server rendering so
// they are prerendered with their content (see their +page.ts).
export const prerender = true;
export const ssr = false;
