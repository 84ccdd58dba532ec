// The business and the first page of its posts, requested together before the
// page renders (in the browser: the /app layout turns prerendering off, so a
// deep link gets the 200.html fallback). A failed request is data, not an
// error page: the page shows it in place with a retry button. Only a lost
// session leaves, for the login page and back.
import { listPosts } from '$lib/api';
import { attempt } from '$lib/errors';
import { pb } from '$lib/pocketbase';
import { redirectLoadIfSessionLost } from '$lib/session-loss';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, url }) => {
	const [business, history] = await Promise.all([
		attempt(pb.collection('businesses').getOne(params.id, { requestKey: null })),
		attempt(listPosts(params.id, 1))
	]);
	for (const result of [business, history]) {
		if (!result.ok) redirectLoadIfSessionLost(result.problem, url);
	}
	return { id: params.id, business, history };
};
