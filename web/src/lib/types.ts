// Shapes of the records and responses the web app exchanges with the server.
// They mirror the `businesses` and `posts` collections and the custom routes
// under /api/rekan/ (see CLAUDE.md, "Contracts between the areas").
import type { AgendaBucket, BATCH_STATUS, BatchItemStatus, CheckSeverity, EditableField, IdeaType, PostStage, PostStatus } from './facts.gen';

/** GET /api/rekan/config, generated from the server's ConfigResponse (timezone: IANA; today: YYYY-MM-DD). */
export type { RuntimeConfig } from './facts.gen';

/** One thing the business sells (eval/content.Offering). */
export interface Offering {
	name: string;
	price_brl?: number | null;
	/** What the price buys ("cento", "kg", "unidade", "fatia"), optional. */
	unit?: string | null;
}

/** Hand-written: PocketBase records have no generated TS type; fields as in api/migrations/1764000001_businesses.go. */
export interface Business {
	id: string;
	owner: string;
	name: string;
	segment: string;
	city: string;
	state: string;
	neighbourhood: string;
	phone: string;
	services: Offering[] | null;
	audience: string;
	voice: string;
	facts: string[] | null;
	notes: string;
	/** Neighbourhoods or towns it delivers to (api/migrations/1764000030_claims_profile.go). */
	delivery_areas?: string[] | null;
	/** Opening days and hours, as the owner says them. */
	opening_hours?: string;
	/** The calendar's segment tags (api/internal/calendar); empty: derived from the segment. */
	segment_tags: string[] | null;
	/** Monthly plan size; 0 means no plan. */
	posts_per_month: number;
	/** The owner, who approves posts from their own WhatsApp (api/migrations/1764000070_business_owner.go). */
	owner_name: string;
	owner_whatsapp: string;
	created: string;
	updated: string;
}

/** The editable part of a business, as the form sends it. */
export type BusinessInput = Omit<Business, 'id' | 'owner' | 'created' | 'updated'>;

/** Generated from the server's Go constants (api/cmd/webfacts). */
export type { PostStatus } from './facts.gen';

export interface Check {
	id: string;
	label: string;
	passed: boolean;
	severity: CheckSeverity;
	reason: string;
	/** The check had nothing to look at: not an approval. Absent on results stored before it existed. */
	not_applicable?: boolean;
	/** Claims a failed claims_backed lists, which the operator can confirm. */
	claims?: string[];
}

/** Stage of a post's journey with the client (api/internal/post/stage.go). */
export type { PostStage } from './facts.gen';

/** One generation request ("pedido"): the brief and the photos, stored once. */
export interface PostRequest {
	id: string;
	business: string;
	brief: string;
	/** Stored file names (protected: see files.svelte.ts); posts select among them. */
	photos: string[] | null;
	count: number;
	types: string[] | null;
	occasion: string;
	created: string;
}

export interface Post {
	id: string;
	business: string;
	request: string;
	stage: PostStage;
	/** Calendar date YYYY-MM-DD in the instance's time zone, or "". */
	publish_on: string;
	caption: string;
	hashtags: string[] | null;
	production_note: string;
	role: string;
	hook: string;
	status: PostStatus;
	error: string;
	checks: Check[] | null;
	/** The post's photos: names of its request's stored photos, in order. */
	photos: string[] | null;
	model: string;
	edited: boolean;
	/** Claims the operator marked as confirmed by the client. */
	confirmed_claims?: string[] | null;
	/** "Desfazer" applies: the post's latest stage move is the operator's own (computed by the server from post_events). */
	undoable?: boolean;
	created: string;
	updated: string;
	/** The request, when listed with expand=request (the routes always expand it). */
	expand?: { request?: PostRequest };
}

/** Fields of a post the operator may change. */
/** The fields an operator edits (generated from the server's post.EditableFields). */
export type PostEdit = Partial<Pick<Post, EditableField>>;

/** Photos to drop (stored names) and to add (scaled files) when saving a post. */
export interface PhotoChanges {
	remove: string[];
	add: File[];
}

/** One calendar date for a client (GET /api/rekan/businesses/{id}/dates). Dates are YYYY-MM-DD. */
export interface UpcomingDate {
	occasion_id: string;
	name: string;
	kind: string;
	date: string;
	/** When content should start (the date minus the client's lead time). */
	start_by: string;
	days_until: number;
	angle: string;
	source: string;
	basis: string;
	/** The client already has a post in the lead window or a request for it. */
	planned: boolean;
	posts: string[];
	requests: string[];
}

export interface DatesResponse {
	today: string;
	days: number;
	tags: string[];
	dates: UpcomingDate[];
	plan: { month: string; target: number; scheduled: number };
}

export interface SegmentTag {
	id: string;
	label: string;
}

export type { IdeaType } from './facts.gen';

/** A stored post idea for a client and a date (the ideas collection). */
export interface Idea {
	id: string;
	business: string;
	occasion: string;
	date: string;
	title: string;
	brief: string;
	type: IdeaType;
	publish_on: string;
	model: string;
	created: string;
}

/** What an idea hands to the brief form: the brief and the occasion it is for. */
export interface IdeaPrefill {
	brief: string;
	/** The calendar's occasion id, sent with the generation. */
	occasion: string;
	/** Its name, shown on the chip. */
	occasion_name: string;
	publish_on: string;
}

/** An upcoming date across the operator's clients (GET /api/rekan/dates). */
export interface ComingDate {
	occasion_id: string;
	name: string;
	date: string;
	days_until: number;
	angle: string;
	clients: { id: string; name: string; segment: string; start_by: string; planned: boolean }[];
	/** How many of those clients have nothing planned for it. */
	unplanned: number;
}

/** One client of a batch ("Gerar para vários clientes"). */
export interface BatchItem {
	business: string;
	name: string;
	status: BatchItemStatus;
	request?: string;
	error?: string;
}

/** A batch record (collection `batches`), updated by the server as items finish. */
export interface Batch {
	id: string;
	brief: string;
	occasion: string;
	date: string;
	count: number;
	status: typeof BATCH_STATUS.running | typeof BATCH_STATUS.done;
	items: BatchItem[];
	updated: string;
}

/** A post on the operator's agenda (GET /api/rekan/agenda). */
export interface AgendaItem {
	id: string;
	client: { id: string; name: string };
	first_line: string;
	stage: PostStage;
	status: string;
	publish_on: string;
}

/** The operator's agenda across all their clients (GET /api/rekan/agenda). */
export interface Agenda {
	today: string;
	month: string;
	clients: number;
	/** In AGENDA_BUCKETS order; posts holds at most 50 of total. */
	buckets: { key: AgendaBucket; total: number; posts: AgendaItem[] }[];
	/** Sem data: posts still on their way out without a publish date, newest first; posts holds at most 20 of total. */
	undated: { total: number; posts: AgendaItem[] };
	/** Every day of the month, with its posts. */
	days: { date: string; posts: AgendaItem[] }[];
	/** Each client's plan in the month: scheduled of target (0 = no plan). */
	plans: { client: { id: string; name: string }; target: number; scheduled: number }[];
}
