// Getting a finished post out of Rekan: to the client for approval over
// WhatsApp, to Instagram through the phone's share sheet, or as files and
// copied text where the browser cannot share files.
import { SERVER_LIMITS } from './limits.gen';

/**
 * wa.me link that opens a chat with `phone` (E.164 digits, as businesses are
 * stored: country code first) with `text` typed in; null without a number.
 */
export function whatsappLink(phone: string, text: string): string | null {
	const digits = phone.replace(/\D/g, '');
	if (digits.length < SERVER_LIMITS.phoneMinDigits) return null;
	return `https://wa.me/${digits}?text=${encodeURIComponent(text)}`;
}

/** Whether this browser can share these files (and text) through the system share sheet. */
export function canShareFiles(files: File[], nav: Navigator = navigator): boolean {
	if (typeof nav.share !== 'function' || typeof nav.canShare !== 'function') return false;
	try {
		return nav.canShare({ files });
	} catch {
		return false;
	}
}

/**
 * "blocked": the browser can share but refused now, typically because the
 * tap that asked for it is too long ago (fetching the photos took a while);
 * another tap works.
 */
export type ShareOutcome = 'shared' | 'cancelled' | 'blocked' | 'unsupported';

/** Opens the share sheet with `files` and `text`; "unsupported" when the browser cannot. */
export async function shareFiles(files: File[], text: string, nav: Navigator = navigator): Promise<ShareOutcome> {
	const data: ShareData = files.length > 0 ? { files, text } : { text };
	if (files.length > 0 ? !canShareFiles(files, nav) : typeof nav.share !== 'function') return 'unsupported';
	try {
		await nav.share(data);
		return 'shared';
	} catch (err) {
		// The operator closed the sheet: nothing to fall back to.
		if (err instanceof DOMException && err.name === 'AbortError') return 'cancelled';
		if (err instanceof DOMException && err.name === 'NotAllowedError') return 'blocked';
		return 'unsupported';
	}
}

/** Saves `file` through the browser's download. */
export function downloadFile(file: Blob, name: string): void {
	const url = URL.createObjectURL(file);
	const link = document.createElement('a');
	link.href = url;
	link.download = name;
	link.rel = 'noopener';
	document.body.appendChild(link);
	link.click();
	link.remove();
	// The download has started from the click; the URL is no longer needed then.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
