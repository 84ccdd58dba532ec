// The client's side of a business's posts, for the operator: which posts
// are selected to send, where each stands with the client, and the live
// links. New decisions arrive through PocketBase realtime (the decisions
// collection's view rule limits them to the business's owner).
import { getContext, setContext } from 'svelte';
import { pb } from '$lib/pocketbase';
import {
	approvalOverview,
	createApproval,
	remindApproval,
	revokeApproval,
	type ApprovalInfo,
	type ApprovalPostState,
	type CreatedApproval
} from '$lib/api';
import { describeError, type Problem } from '$lib/errors';

const KEY = Symbol('approvals');

export class Approvals {
	states = $state<Record<string, ApprovalPostState>>({});
	links = $state<ApprovalInfo[]>([]);
	selected = $state<Set<string>>(new Set());
	/** Decisions that arrived since the operator last looked. */
	unseen = $state(0);
	/** The link just created (its token exists only here and in the client's link). */
	created = $state<CreatedApproval | null>(null);
	problem = $state<Problem | null>(null);
	busy = $state(false);
	readonly businessId: string;
	#unsubscribe: (() => void) | null = null;

	readonly #ondecision: () => void;

	/** ondecision runs when a client's decision arrives (the posts' stages moved). */
	constructor(businessId: string, ondecision: () => void = () => {}) {
		this.businessId = businessId;
		this.#ondecision = ondecision;
	}

	async load(): Promise<void> {
		try {
			const overview = await approvalOverview(this.businessId);
			this.states = Object.fromEntries(overview.posts.map((p) => [p.post, p]));
			this.links = overview.approvals.filter((a) => a.live);
		} catch (err) {
			this.problem = describeError(err);
		}
	}

	async subscribe(): Promise<void> {
		try {
			this.#unsubscribe = await pb.collection('approval_decisions').subscribe(
				'*',
				(event) => {
					if (event.action !== 'create') return;
					this.unseen += 1;
					void this.load();
					this.#ondecision();
				},
				{ filter: pb.filter('business = {:b}', { b: this.businessId }) }
			);
		} catch {
			// Realtime is a convenience: the page still shows decisions on load.
		}
	}

	close(): void {
		this.#unsubscribe?.();
		this.#unsubscribe = null;
	}

	toggle(postId: string, on: boolean): void {
		const next = new Set(this.selected);
		if (on) next.add(postId);
		else next.delete(postId);
		this.selected = next;
	}

	async send(): Promise<void> {
		await this.#run(async () => {
			this.created = await createApproval(this.businessId, [...this.selected]);
			this.selected = new Set();
		});
	}

	async remind(id: string): Promise<void> {
		await this.#run(async () => {
			this.created = await remindApproval(id);
		});
	}

	async revoke(id: string): Promise<void> {
		await this.#run(() => revokeApproval(id));
	}

	async #run(action: () => Promise<unknown>): Promise<void> {
		this.busy = true;
		this.problem = null;
		try {
			await action();
			await this.load();
		} catch (err) {
			this.problem = describeError(err);
		} finally {
			this.busy = false;
		}
	}
}

export function provideApprovals(current: () => Approvals): void {
	setContext(KEY, current);
}

/** The page's approvals (a getter: they change with the client), or undefined outside a client's page. */
export function useApprovals(): (() => Approvals) | undefined {
	return getContext<(() => Approvals) | undefined>(KEY);
}
