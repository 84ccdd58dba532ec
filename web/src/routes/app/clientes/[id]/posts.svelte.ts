// The business's posts, one page at a time, newest first. One object because
// three parts of the page change it: the load gives the first page, the brief
// form refreshes it after a generation, the cards edit and delete posts.
import { tick } from 'svelte';
import { listPosts, type PostPage } from '$lib/api';
import { describeError, type Attempt, type Problem } from '$lib/errors';
import { redirectIfSessionLost } from '$lib/session-loss';
import type { Post } from '$lib/types';

export class PagedPosts {
	posts = $state<Post[]>([]);
	page = $state(1);
	/** An older page follows this one. */
	hasMore = $state(false);
	problem = $state<Problem | null>(null);
	loading = $state(false);
	/** Only posts in this stage ("" = all). */
	stage = $state('');
	/** Posts just generated, highlighted in the list. */
	fresh = $state<Set<string>>(new Set());
	readonly #businessId: string;

	constructor(businessId: string, first: Attempt<PostPage>) {
		this.#businessId = businessId;
		if (first.ok) this.#show(first.value);
		else this.problem = first.problem;
	}

	async load(target = this.page): Promise<void> {
		this.loading = true;
		this.problem = null;
		try {
			this.#show(await listPosts(this.#businessId, target, this.stage));
		} catch (err) {
			this.problem = describeError(err);
			redirectIfSessionLost(this.problem);
		} finally {
			this.loading = false;
		}
	}

	/** Shows the first page with `created` highlighted and scrolled into view. */
	async showNew(created: Post[]): Promise<void> {
		this.fresh = new Set(created.map((p) => p.id));
		await this.load(1);
		await tick();
		document.querySelector<HTMLElement>(`[data-post="${created[0]?.id}"]`)?.scrollIntoView({ block: 'start' });
	}

	/**
	 * Shows a newer version of a post. Its route's answer and realtime events
	 * arrive in any order: an event of an earlier save that lands after the
	 * answer must not bring the older version back (`updated` orders them).
	 */
	replace(updated: Post): void {
		this.posts = this.posts.map((p) => (p.id === updated.id && updated.updated >= p.updated ? updated : p));
	}

	remove(postId: string): void {
		this.posts = this.posts.filter((p) => p.id !== postId);
		if (this.posts.length === 0 && this.page > 1) void this.load(this.page - 1);
	}

	#show(res: PostPage): void {
		this.posts = res.items;
		this.page = res.page;
		this.hasMore = res.hasMore;
	}
}
