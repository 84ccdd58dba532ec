// Where to send an operator after logging in. `next` comes from the URL, so
// anyone can craft it: only same-site, relative paths are followed, never
// another origin ("//evil.example", "https://…", "/\evil", "javascript:").

const HOME = '/app';

/** The path to go to after login: `next` when it is safe, else /app. */
export function safeNext(next: string | null | undefined): string {
	if (!next) return HOME;
	// Browsers treat backslashes as slashes and drop tabs/newlines in URLs.
	if (/[\\\u0000-\u001f\u007f]/.test(next)) return HOME;
	if (!next.startsWith('/') || next.startsWith('//')) return HOME;
	let url: URL;
	try {
		url = new URL(next, 'http://rekan.invalid');
	} catch {
		return HOME;
	}
	if (url.origin !== 'http://rekan.invalid') return HOME;
	// Going back to the login or logout page would loop.
	if (url.pathname === '/entrar' || url.pathname === '/sair') return HOME;
	return url.pathname + url.search + url.hash;
}

/** The login URL that brings the operator back to `path` afterwards. */
export function loginPath(path: string): string {
	const next = safeNext(path);
	return next === HOME ? '/entrar' : `/entrar?next=${encodeURIComponent(next)}`;
}
