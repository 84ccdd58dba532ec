// Shapes of the records and responses the web app exchanges with the server.
// They mirror the `businesses` and `posts` collections and the custom routes
// under /api/rekan/ (see CLAUDE.md, "Contracts between the areas").

export interface RuntimeConfig {
	app_name: string;
	llm_configured: boolean;
	contact_phone: string;
	version: string;
	/** The instance's time zone (IANA) and its date today, YYYY-MM-DD. */
	timezone: string;
	today: string;
}

/** One thing the business sells (eval/content.Offering). */
export interface Offering {
	name: string;
	price_brl?: number | null;
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
	/** The owner, who approves posts from their own WhatsApp (api/migrations/1764000070_business_owner.go). */
	owner_name: string;
	owner_whatsapp: string;
	created: string;
	updated: string;
}

/** The editable part of a business, as the form sends it. */
export type BusinessInput = Omit<Business, 'id' | 'owner' | 'created' | 'updated'>;

export type PostStatus = 'generating' | 'ready' | 'failed';

export interface Check {
	id: string;
	label: string;
	passed: boolean;
	severity: 'error' | 'warning';
	reason: string;
}

/** Stage of a post's journey with the client (api/internal/post/stage.go). */
export type PostStage = 'rascunho' | 'enviado' | 'aprovado' | 'ajuste' | 'publicado' | 'arquivado';

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
	created: string;
	updated: string;
	/** The request, when listed with expand=request (the routes always expand it). */
	expand?: { request?: PostRequest };
}

/** Fields of a post the operator may change. */
export type PostEdit = Partial<Pick<Post, 'caption' | 'hashtags' | 'production_note'>>;

/** Photos to drop (stored names) and to add (scaled files) when saving a post. */
export interface PhotoChanges {
	remove: string[];
	add: File[];
}
