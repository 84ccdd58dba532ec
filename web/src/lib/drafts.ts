// Briefs being written survive reloads and errors: they are kept in the
// browser per business until a generation succeeds.

const PREFIX = 'rekan.brief.';

function storage(): Storage | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		return null; // storage disabled (private mode, policies)
	}
}

export function loadDraft(businessId: string): string {
	return storage()?.getItem(PREFIX + businessId) ?? '';
}

export function saveDraft(businessId: string, brief: string): void {
	const s = storage();
	if (!s) return;
	try {
		if (brief.trim() === '') s.removeItem(PREFIX + businessId);
		else s.setItem(PREFIX + businessId, brief);
	} catch {
		// Quota exceeded: the brief still lives in the text box.
	}
}

export function clearDraft(businessId: string): void {
	storage()?.removeItem(PREFIX + businessId);
}
