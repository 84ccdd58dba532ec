// Calls to Rekan's custom routes (/api/rekan/...). They go through the SDK's
// `send` so the auth token and error shape are the same as for records.
import { pb } from './pocketbase';
import type { PhotoChanges, Post, PostEdit, PostStage } from './types';

interface PostsResponse {
	posts: Post[];
}

/**
 * Writes `count` posts (1-3) about `brief` and the photos (already scaled,
 * see photos.ts); throws the server's error. Photos go as multipart parts
 * named "photos"; without photos the body stays JSON.
 */
export async function generatePosts(businessId: string, brief: string, count: number, photos: File[] = [], types: string[] = []): Promise<Post[]> {
	// One type per post ("" = automático); none chosen = all automático.
	const chosen = types.some((t) => t !== '') ? types.slice(0, count) : [];
	let body: FormData | { brief: string; count: number; types?: string[] } = chosen.length > 0 ? { brief, count, types: chosen } : { brief, count };
	if (photos.length > 0) {
		const form = new FormData();
		form.set('brief', brief);
		form.set('count', String(count));
		if (chosen.length > 0) form.set('types', chosen.join(','));
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

export function deletePost(postId: string): Promise<boolean> {
	return pb.collection('posts').delete(postId);
}

export const HISTORY_PAGE_SIZE = 10;

/** One page of a business's posts, newest first; only those in `stage` when given. */
export function listPosts(businessId: string, page: number, stage = '') {
	return pb.collection('posts').getList(page, HISTORY_PAGE_SIZE, {
		filter: stage
			? pb.filter('business = {:id} && stage = {:stage}', { id: businessId, stage })
			: pb.filter('business = {:id}', { id: businessId }),
		sort: '-created,-id',
		expand: 'request'
	});
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
