// Photos chosen for a brief survive a reload, like the brief itself
// (drafts.ts). On phones this matters: opening the camera from the page can
// get the tab discarded, and the operator comes back to a reloaded page.
// They are kept scaled (no metadata) in IndexedDB, per business, until a
// generation succeeds; a browser without IndexedDB simply keeps nothing.
import type { ScaledPhoto } from './photos';

const DB_NAME = 'rekan-drafts';
const STORE = 'photos';

function open(): Promise<IDBDatabase | null> {
	if (typeof indexedDB === 'undefined') return Promise.resolve(null);
	return new Promise((resolve) => {
		try {
			const req = indexedDB.open(DB_NAME, 1);
			req.onupgradeneeded = () => req.result.createObjectStore(STORE);
			req.onsuccess = () => resolve(req.result);
			req.onerror = () => resolve(null); // private mode, policies, quota
		} catch {
			resolve(null);
		}
	});
}

async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T | undefined> {
	const db = await open();
	if (!db) return undefined;
	try {
		return await new Promise<T | undefined>((resolve) => {
			const tx = db.transaction(STORE, mode);
			const req = act(tx.objectStore(STORE));
			tx.oncomplete = () => resolve(req.result);
			tx.onerror = () => resolve(undefined);
			tx.onabort = () => resolve(undefined);
		});
	} catch {
		return undefined;
	} finally {
		db.close();
	}
}

/** The photos kept for `businessId`'s brief, oldest first; [] when none or unreadable. */
export async function loadDraftPhotos(businessId: string): Promise<ScaledPhoto[]> {
	const value = await run('readonly', (store) => store.get(businessId) as IDBRequest<unknown>);
	if (!Array.isArray(value)) return [];
	return value.filter(
		(p): p is ScaledPhoto =>
			typeof p === 'object' && p !== null && p.file instanceof Blob && typeof p.width === 'number' && typeof p.height === 'number'
	);
}

/** Keeps `photos` for `businessId`'s brief; none clears what was kept. */
export async function saveDraftPhotos(businessId: string, photos: ScaledPhoto[]): Promise<void> {
	const plain = photos.map(({ file, width, height, sourceBytes }) => ({ file, width, height, sourceBytes }));
	if (plain.length > 0) await run('readwrite', (store) => store.put(plain, businessId));
	else await run('readwrite', (store) => store.delete(businessId));
}
