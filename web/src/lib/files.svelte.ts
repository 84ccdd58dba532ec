// Post photos are protected files: their URLs work only with a short-lived
// file token of an operator who owns the business (the server checks). One
// token is shared by every card on the page and renewed shortly before it
// expires, so a long-open page can still show and download photos.
import { isTokenExpired } from 'pocketbase';
import { pb } from './pocketbase';

/** Seconds before expiry at which a token counts as expired already. */
const RENEW_MARGIN_S = 30;

/** PocketBase thumbs the `requests.photos` field declares (see the migration). */
export const THUMB_SQUARE = '400x400';
export const THUMB_LARGE = '1080x0';

class FileToken {
	value = $state('');
	#pending: Promise<string> | null = null;

	/** Whether the current token is good for at least RENEW_MARGIN_S more seconds. */
	valid(): boolean {
		return this.value !== '' && !isTokenExpired(this.value, RENEW_MARGIN_S);
	}

	/** A token valid for at least RENEW_MARGIN_S more seconds; one request for many callers. */
	fresh(): Promise<string> {
		if (this.valid()) return Promise.resolve(this.value);
		this.#pending ??= pb.files
			.getToken({ requestKey: null })
			.then((token) => (this.value = token))
			.finally(() => (this.#pending = null));
		return this.#pending;
	}

	/** Forgets the token (an image failed to load with it). */
	drop(token: string): void {
		if (this.value === token) this.value = '';
	}
}

export const fileToken = new FileToken();

/** URL of one of a request's photos (a post shows its request's), or "" without a token yet. */
export function photoURL(requestId: string, name: string, token: string, thumb?: string): string {
	if (!token) return '';
	return pb.files.getURL({ id: requestId, collectionName: 'requests' }, name, thumb ? { token, thumb } : { token });
}

/** Downloads one stored photo (with a fresh token) as a File named `as`. */
export async function fetchPhoto(requestId: string, name: string, as: string): Promise<File> {
	const token = await fileToken.fresh();
	const res = await fetch(photoURL(requestId, name, token));
	if (!res.ok) throw Object.assign(new Error(`photo: HTTP ${res.status}`), { status: res.status });
	const blob = await res.blob();
	return new File([blob], as, { type: blob.type || 'image/jpeg' });
}

/** The name a downloaded or shared photo gets: unique per post and position. */
export function photoDownloadName(postId: string, index: number): string {
	return `post-${postId}-foto-${index + 1}.jpg`;
}
