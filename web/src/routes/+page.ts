// The landing page is prerendered with its content (not an empty shell) so it
// shows up instantly and search engines can read it.
export const ssr = true;
