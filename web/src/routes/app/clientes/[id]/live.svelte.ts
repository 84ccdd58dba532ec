// The client's posts as they change anywhere: the text a generation is
// writing (the server's topic rekan/posts/<business>, sent only to the
// business's owner, never stored) and the stored posts' record events
// (created, completed, edited, deleted in any tab of this operator).
import { getContext, setContext } from 'svelte';
import { POST_STATUS } from '$lib/facts.gen';
import { pb } from '$lib/pocketbase';
import type { Post } from '$lib/types';
import type { PagedPosts } from './posts.svelte';

/** A post as far as the model has written it. */
export interface WritingPost {
	id: string;
	role: string;
	hook: string;
	caption: string;
	hashtags: string[];
	production_note: string;
}

export class LivePosts {
	/** Posts being written, by id: the text so far. */
	writing = $state<Record<string, WritingPost>>({});
	readonly #businessId: string;
	readonly #history: PagedPosts;
	#closers: (() => Promise<void> | void)[] = [];
	#closed = false;
	#reload: ReturnType<typeof setTimeout> | undefined;

	constructor(businessId: string, history: PagedPosts) {
		this.#businessId = businessId;
		this.#history = history;
	}

	/** The posts with words written, in the order they began. */
	get captions(): WritingPost[] {
		return Object.values(this.writing).filter((p) => writingText(p));
	}

	async subscribe(): Promise<void> {
		try {
			const topic = await pb.realtime.subscribe(`rekan/posts/${this.#businessId}`, (data: { posts?: WritingPost[] }) => {
				const next = { ...this.writing };
				for (const p of data.posts ?? []) next[p.id] = p;
				this.writing = next;
			});
			const records = await pb.collection('posts').subscribe(
				'*',
				(event) => this.#onRecord(event.action, event.record),
				{ filter: pb.filter('business = {:b}', { b: this.#businessId }), expand: 'request' }
			);
			this.#closers.push(topic, records);
			if (this.#closed) this.close();
		} catch {
			// Realtime is a convenience: the page still shows posts on load and
			// the generating tab gets its answer.
		}
	}

	close(): void {
		this.#closed = true;
		clearTimeout(this.#reload);
		for (const close of this.#closers.splice(0)) void close();
	}

	#onRecord(action: string, record: Post): void {
		if (record.status !== POST_STATUS.generating) this.#done(record.id);
		if (action === 'delete') {
			this.#history.remove(record.id);
		} else if (action === 'update' && this.#history.posts.some((p) => p.id === record.id)) {
			this.#history.replace(record);
		} else if (action === 'create' && this.#history.page === 1) {
			// A generation stores its posts one after another: one reload for all.
			clearTimeout(this.#reload);
			this.#reload = setTimeout(() => void this.#history.load(1), 150);
		}
	}

	#done(id: string): void {
		if (!(id in this.writing)) return;
		const next = { ...this.writing };
		delete next[id];
		this.writing = next;
	}
}

const KEY = Symbol('live-posts');

export function provideLivePosts(current: () => LivePosts): void {
	setContext(KEY, current);
}

/** The page's live posts (a getter: they change with the client), or undefined outside a client's page. */
export function useLivePosts(): (() => LivePosts) | undefined {
	return getContext<(() => LivePosts) | undefined>(KEY);
}

/**
 * The words written so far: the caption, or before it the hook, which the
 * model writes first and the caption opens with.
 */
export function writingText(p: WritingPost | undefined): string {
	return p?.caption || p?.hook || '';
}
