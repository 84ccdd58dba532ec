// Everything under /app needs a logged-in operator; without one (or with an
// expired or revoked session) go to the login page and come back afterwards.
import { redirect } from '@sveltejs/kit';
import { session } from '$lib/auth.svelte';
import { loginPath } from '$lib/redirect';
import type { LayoutLoad } from './$types';

export const prerender = false;

export const load: LayoutLoad = async ({ url }) => {
	if (!(await session.ensure())) redirect(307, loginPath(url.pathname + url.search));
};
