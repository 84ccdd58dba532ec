// A request that answers 401 mid-session (token expired or revoked) sends the
// operator to the login page, to come back to the same screen afterwards.
import { redirect } from '@sveltejs/kit';
import { goto } from '$app/navigation';
import { session } from './auth.svelte';
import type { Problem } from './errors';
import { loginPath } from './redirect';

/** Returns true when it redirected (the caller should stop). */
export function redirectIfSessionLost(problem: Problem): boolean {
	if (problem.kind !== 'session') return false;
	session.logout();
	void goto(loginPath(location.pathname + location.search), { replaceState: true });
	return true;
}

/**
 * The same inside a load function: throws SvelteKit's redirect, back to `url`
 * (the page being loaded; `location` is still the previous one).
 */
export function redirectLoadIfSessionLost(problem: Problem, url: URL): void {
	if (problem.kind !== 'session') return;
	session.logout();
	redirect(307, loginPath(url.pathname + url.search));
}
