// Calls to Rekan's custom routes (/api/rekan/...). They go through the SDK's
// `send` so the auth token and error shape are the same as for records.
import { pb } from './pocketbase';
import type { PhotoChanges, Post, PostEdit } from './types';

interface PostsResponse {
	posts: Post[];
}

/**
 * Writes `count` posts (1-3) about `brief` and the photos (already scaled,
 * see photos.ts); throws the server's error. Photos go as multipart parts
 * named "photos"; without photos the body stays JSON.
 */
export async function generatePosts(businessId: string, brief: string, count: number, photos: File[] = []): Promise<Post[]> {
	let body: FormData | { brief: string; count: number } = { brief, count };
	if (photos.length > 0) {
		const form = new FormData();
		form.set('brief', brief);
		form.set('count', String(count));
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

/** One page of a business's posts, newest first. */
export function listPosts(businessId: string, page: number) {
	return pb.collection('posts').getList(page, HISTORY_PAGE_SIZE, {
		filter: pb.filter('business = {:id}', { id: businessId }),
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
