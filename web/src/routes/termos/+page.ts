// Prerendered with its content, like the landing page.
export const ssr = true;
