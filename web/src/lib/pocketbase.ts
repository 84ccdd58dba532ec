// The one PocketBase client of the app. The server serves this app, so the
// API is on the same origin; nothing instance-specific is baked in.
import PocketBase, { ClientResponseError, type RecordService } from 'pocketbase';
import type { Business, Post } from './types';

export interface Operator {
	id: string;
	email: string;
	name?: string;
}

interface TypedPocketBase extends PocketBase {
	collection(idOrName: 'users'): RecordService<Operator>;
	collection(idOrName: 'businesses'): RecordService<Business>;
	collection(idOrName: 'posts'): RecordService<Post>;
	collection(idOrName: string): RecordService;
}

export const pb = new PocketBase('/') as TypedPocketBase;

// Pages load several lists at once; the SDK would otherwise cancel a request
// when another one to the same endpoint starts.
pb.autoCancellation(false);

export { ClientResponseError };
