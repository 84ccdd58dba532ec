// Calls to Rekan's custom routes (/api/rekan/...). They go through the SDK's
// `send` so the auth token and error shape are the same as for records.
import { pb } from './pocketbase';
import type { Post, PostEdit } from './types';

interface PostsResponse {
	posts: Post[];
}

/** Writes `count` posts (1-3) about `brief`; throws the server's error. */
export async function generatePosts(businessId: string, brief: string, count: number): Promise<Post[]> {
	const res = await pb.send<PostsResponse>(`/api/rekan/businesses/${encodeURIComponent(businessId)}/posts:generate`, {
		method: 'POST',
		body: { brief, count },
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

/** Saves the operator's changes to a post (the server marks it edited). */
export function updatePost(postId: string, edit: PostEdit): Promise<Post> {
	return pb.collection('posts').update(postId, edit);
}

export function deletePost(postId: string): Promise<boolean> {
	return pb.collection('posts').delete(postId);
}

export const HISTORY_PAGE_SIZE = 10;

/** One page of a business's posts, newest first. */
export function listPosts(businessId: string, page: number) {
	return pb.collection('posts').getList(page, HISTORY_PAGE_SIZE, {
		filter: pb.filter('business = {:id}', { id: businessId }),
		sort: '-created,-id'
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
