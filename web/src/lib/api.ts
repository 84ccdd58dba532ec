// Calls to Rekan's custom routes (/api/rekan/...). They go through the SDK's
// `send` so the auth token and error shape are the same as for records.
import type { ApprovalDecision, ApprovalState } from './facts.gen';
import { pb } from './pocketbase';
import type { Agenda, Batch, ComingDate, DatesResponse, Idea, PhotoChanges, Post, PostEdit, PostStage, SegmentTag } from './types';

interface PostsResponse {
	posts: Post[];
}

/**
 * Writes `count` posts (1-3) about `brief` and the photos (already scaled,
 * see photos.ts); throws the server's error. Photos go as multipart parts
 * named "photos"; without photos the body stays JSON.
 */
export async function generatePosts(
	businessId: string,
	brief: string,
	count: number,
	photos: File[] = [],
	types: string[] = [],
	occasion: { occasion: string; publish_on: string } | null = null
): Promise<Post[]> {
	// One type per post ("" = automático); none chosen = all automático.
	const chosen = types.some((t) => t !== '') ? types.slice(0, count) : [];
	// The occasion and publish date go to the generation request.
	let body: FormData | Record<string, unknown> = { brief, count, ...(chosen.length > 0 ? { types: chosen } : {}), ...(occasion ?? {}) };
	if (photos.length > 0) {
		const form = new FormData();
		form.set('brief', brief);
		form.set('count', String(count));
		if (chosen.length > 0) form.set('types', chosen.join(','));
		if (occasion) {
			form.set('occasion', occasion.occasion);
			form.set('publish_on', occasion.publish_on);
		}
		for (const photo of photos) form.append('photos', photo, photo.name);
		body = form;
	}
	const res = await pb.send<PostsResponse>(`/api/rekan/businesses/${encodeURIComponent(businessId)}/posts:generate`, {
		method: 'POST',
		body,
		requestKey: null
	});
	return res.posts ?? [];
}

/** Regenerates one post from its stored brief. */
export async function retryPost(postId: string): Promise<Post> {
	const res = await pb.send<PostsResponse>(`/api/rekan/posts/${encodeURIComponent(postId)}:retry`, {
		method: 'POST',
		requestKey: null
	});
	const post = res.posts?.[0];
	if (!post) throw new Error('retry: empty response');
	return post;
}

/**
 * Saves the operator's changes to a post (the server marks it edited):
 * texts, photos to remove (stored names) and photos to add (scaled files).
 * Added photos go to the post's request once (POST …:photos) and to this
 * post only; removing is a new selection of names (`current` minus removed).
 */
export async function updatePost(
	postId: string,
	edit: PostEdit,
	photos: PhotoChanges = { remove: [], add: [] },
	current: string[] = []
): Promise<Post> {
	let names = current;
	if (photos.add.length > 0) {
		const form = new FormData();
		for (const photo of photos.add) form.append('photos', photo, photo.name);
		const res = await pb.send<{ post: Post }>(`/api/rekan/posts/${encodeURIComponent(postId)}:photos`, {
			method: 'POST',
			body: form,
			requestKey: null
		});
		names = res.post.photos ?? [];
	}
	const body: Record<string, unknown> = { ...edit };
	if (photos.remove.length > 0) body.photos = names.filter((name) => !photos.remove.includes(name));
	return pb.collection('posts').update(postId, body, { expand: 'request' });
}

/**
 * Marks a claim the checks flagged as confirmed by the client; with
 * addToFacts it also joins the business's facts. Returns the re-checked post.
 */
export async function confirmClaim(postId: string, claim: string, addToFacts: boolean): Promise<Post> {
	const res = await pb.send<{ post: Post }>(`/api/rekan/posts/${encodeURIComponent(postId)}/confirmed-claims`, {
		method: 'POST',
		body: { claim, add_to_facts: addToFacts },
		requestKey: null
	});
	return res.post;
}

export function deletePost(postId: string): Promise<boolean> {
	return pb.collection('posts').delete(postId);
}

export const HISTORY_PAGE_SIZE = 10;

/** A page of the history and whether an older page follows. */
export interface PostPage {
	items: Post[];
	page: number;
	hasMore: boolean;
}

/**
 * One page of a business's posts, newest first; only those in `stage` when given.
 * Without PocketBase's total, a COUNT over every post of the client that grows with
 * the history (issue 23): whether an older page follows is the one post after this
 * page, asked for alongside (its own request key, so neither cancels the other).
 */
export async function listPosts(businessId: string, page: number, stage = ''): Promise<PostPage> {
	const filter = stage
		? pb.filter('business = {:id} && stage = {:stage}', { id: businessId, stage })
		: pb.filter('business = {:id}', { id: businessId });
	const sort = '-created,-id';
	const [res, next] = await Promise.all([
		pb.collection('posts').getList(page, HISTORY_PAGE_SIZE, { filter, sort, expand: 'request', skipTotal: true }),
		pb.collection('posts').getList(page * HISTORY_PAGE_SIZE + 1, 1, {
			filter,
			sort,
			fields: 'id',
			skipTotal: true,
			requestKey: null
		})
	]);
	return { items: res.items, page, hasMore: next.items.length > 0 };
}

/** Date of the newest post of a business, or "" when it has none. */
export async function lastPostDate(businessId: string): Promise<string> {
	const res = await pb.collection('posts').getList(1, 1, {
		filter: pb.filter('business = {:id}', { id: businessId }),
		sort: '-created',
		fields: 'created',
		skipTotal: true
	});
	return res.items[0]?.created ?? '';
}

/** The calendar dates fitting a client in the next `days` days. */
export function upcomingDates(businessId: string, days = 60): Promise<DatesResponse> {
	return pb.send<DatesResponse>(`/api/rekan/businesses/${encodeURIComponent(businessId)}/dates`, {
		query: { days },
		requestKey: null
	});
}

/** Asks the LLM for 3-5 ideas for a client's date; the server stores them. */
export async function suggestIdeas(businessId: string, occasionId: string, date: string): Promise<Idea[]> {
	const res = await pb.send<{ ideas: Idea[] }>(`/api/rekan/businesses/${encodeURIComponent(businessId)}/ideas`, {
		method: 'POST',
		body: { occasion_id: occasionId, date },
		requestKey: null
	});
	return res.ideas ?? [];
}

/** The stored ideas of a client for one date, oldest first. */
export function listIdeas(businessId: string, occasionId: string, date: string): Promise<Idea[]> {
	return pb.collection('ideas').getFullList<Idea>({
		filter: pb.filter('business = {:b} && occasion = {:o} && date = {:d}', { b: businessId, o: occasionId, d: date }),
		sort: 'created,id',
		requestKey: null
	});
}

/** Where a post stands with the client (GET /api/rekan/businesses/{id}/approvals). */
export interface ApprovalPostState {
	post: string;
	/** alterado: approved, then edited. */
	state: ApprovalState;
	sent_at: string;
	approval: string;
	decision: { decision: ApprovalDecision; note: string; name: string; created: string } | null;
}

export interface ApprovalInfo {
	id: string;
	posts: string[];
	created: string;
	expires: string;
	live: boolean;
}

export interface ApprovalOverview {
	approvals: ApprovalInfo[];
	posts: ApprovalPostState[];
}

export interface CreatedApproval {
	approval: ApprovalInfo;
	/** Shown once: only its hash is stored. */
	token: string;
	/** "/aprovar#<token>" */
	path: string;
}

/** Sends ready posts of a business to its owner for approval. */
export function createApproval(businessId: string, posts: string[]): Promise<CreatedApproval> {
	return pb.send<CreatedApproval>('/api/rekan/approvals', {
		method: 'POST',
		body: { business: businessId, posts },
		requestKey: null
	});
}

/** Every calendar segment tag, and the ones suggested for a segment text. */
export function segmentTags(segment: string): Promise<{ tags: SegmentTag[]; suggested: string[] }> {
	return pb.send(`/api/rekan/segment-tags`, { query: { segment }, requestKey: null });
}

/** The dates of the next `days` days across the operator's clients. */
export function comingDates(days = 30): Promise<{ today: string; days: number; dates: ComingDate[] }> {
	return pb.send(`/api/rekan/dates`, { query: { days }, requestKey: null });
}

export function approvalOverview(businessId: string): Promise<ApprovalOverview> {
	return pb.send<ApprovalOverview>(`/api/rekan/businesses/${encodeURIComponent(businessId)}/approvals`, {
		requestKey: null
	});
}

export function revokeApproval(approvalId: string): Promise<void> {
	return pb.send(`/api/rekan/approvals/${encodeURIComponent(approvalId)}:revoke`, { method: 'POST', requestKey: null });
}

/** A fresh link for the posts of an approval still waiting (the old link keeps working). */
export function remindApproval(approvalId: string): Promise<CreatedApproval> {
	return pb.send<CreatedApproval>(`/api/rekan/approvals/${encodeURIComponent(approvalId)}:remind`, {
		method: 'POST',
		requestKey: null
	});
}

/** Per business: posts waiting for the client and posts the client wants changed. */
export async function approvalSummary(): Promise<Record<string, { waiting: number; changes: number }>> {
	const res = await pb.send<{ businesses: Record<string, { waiting: number; changes: number }> }>(
		'/api/rekan/approvals/summary',
		{ requestKey: null }
	);
	return res.businesses ?? {};
}

/** "Refazer com o pedido do cliente": the LLM revises the post from the client's note. */
export async function revisePost(postId: string): Promise<Post> {
	const res = await pb.send<PostsResponse>(`/api/rekan/posts/${encodeURIComponent(postId)}:revise`, {
		method: 'POST',
		requestKey: null
	});
	const post = res.posts?.[0];
	if (!post) throw new Error('revise: empty response');
	return post;
}

/** The operator's agenda across their clients; month is "YYYY-MM" (default: the server's current one). */
export function agenda(month = ''): Promise<Agenda> {
	return pb.send<Agenda>(`/api/rekan/agenda`, { query: month ? { month } : {}, requestKey: null });
}

/** Moves a post to another stage (the server checks the move); returns the post. */
export async function movePostStage(postId: string, to: PostStage, note = ''): Promise<Post> {
	const res = await pb.send<{ post: Post }>(`/api/rekan/posts/${encodeURIComponent(postId)}:stage`, {
		method: 'PUT',
		body: { to, note },
		requestKey: null
	});
	return res.post;
}

/** Undoes the operator's own last stage move of a post; returns the post. */
export async function undoPostStage(postId: string): Promise<Post> {
	const res = await pb.send<{ post: Post }>(`/api/rekan/posts/${encodeURIComponent(postId)}:undo`, {
		method: 'POST',
		requestKey: null
	});
	return res.post;
}

/** Sets (or clears, with "") a post's publish date, YYYY-MM-DD. */
export function setPublishDate(postId: string, date: string): Promise<Post> {
	return pb.collection('posts').update(postId, { publish_on: date }, { expand: 'request' });
}

/** What automático picks for a brief, and why (the server's rules). */
export interface TypeSuggestion {
	types: string[];
	/** Every type, most fitting first: posts left on automático get the first ones not chosen. */
	order: string[];
	fitting: string[];
	reasons: { type: string; reason: string }[];
}

/** Asks the server what automático would pick for `brief`. */
export function suggestTypes(businessId: string, brief: string, count: number, photos: number): Promise<TypeSuggestion> {
	return pb.send<TypeSuggestion>(`/api/rekan/businesses/${encodeURIComponent(businessId)}/types:suggest`, {
		method: 'GET',
		query: { brief, count, photos },
		requestKey: `types-${businessId}`
	});
}

/** Starts a batch: one request per client, written by the server (one POST). */
export async function createBatch(body: {
	clients: string[];
	brief?: string;
	occasion_id?: string;
	date?: string;
}): Promise<Batch> {
	const res = await pb.send<{ batch: Batch }>(`/api/rekan/batches`, { method: 'POST', body, requestKey: null });
	return res.batch;
}

/** Runs a batch's failed items again. */
export async function retryBatch(id: string): Promise<Batch> {
	const res = await pb.send<{ batch: Batch }>(`/api/rekan/batches/${encodeURIComponent(id)}:retry`, {
		method: 'POST',
		requestKey: null
	});
	return res.batch;
}
