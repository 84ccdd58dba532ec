// Formatting and parsing of the values operators read and type: prices in
// reais, hashtags, phone numbers and dates. Pure functions, unit-tested.

/** Formats a price in reais the Brazilian way: 1234.5 → "R$ 1.234,50". */
export function formatBRL(value: number): string {
	const negative = value < 0;
	const cents = Math.round(Math.abs(value) * 100);
	const reais = Math.floor(cents / 100).toString();
	const grouped = reais.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
	const decimals = (cents % 100).toString().padStart(2, '0');
	return `${negative ? '-' : ''}R$ ${grouped},${decimals}`;
}

export type ParsedPrice = { ok: true; value: number | null } | { ok: false };

/**
 * Parses a price typed by an operator ("45", "45,90", "R$ 1.234,50",
 * "1234.5"). Empty means "no price" (null). A comma is the decimal separator;
 * without one, a dot followed by exactly three digits groups thousands and
 * any other dot is decimal. At most two decimals; never negative.
 */
export function parseBRL(input: string): ParsedPrice {
	let text = input.replace(/\s+/g, '').replace(/^R\$/i, '');
	if (text === '') return { ok: true, value: null };
	if (!/^[\d.,]+$/.test(text)) return { ok: false };
	if (text.includes(',')) {
		const parts = text.split(',');
		if (parts.length !== 2) return { ok: false };
		const [whole, frac] = parts;
		if (!validGrouping(whole) || !/^\d{0,2}$/.test(frac)) return { ok: false };
		text = `${whole.replace(/\./g, '')}.${frac || '0'}`;
	} else if (text.includes('.')) {
		const groups = text.split('.');
		const thousands = groups.length > 1 && groups.slice(1).every((g) => g.length === 3);
		if (thousands) {
			if (!validGrouping(text)) return { ok: false };
			text = text.replace(/\./g, '');
		} else if (groups.length !== 2 || !/^\d{1,2}$/.test(groups[1]) || groups[0] === '') {
			return { ok: false };
		}
	}
	const value = Number(text);
	if (!Number.isFinite(value)) return { ok: false };
	return { ok: true, value: Math.round(value * 100) / 100 };
}

// "1.234.567" or "1234" are fine; "1.23.456" or ".123" are not.
function validGrouping(whole: string): boolean {
	if (whole === '') return true;
	return /^\d+$/.test(whole) || /^\d{1,3}(\.\d{3})+$/.test(whole);
}

/** Renders hashtags the way they are pasted into Instagram: "#a #b". */
export function formatHashtags(tags: readonly string[] | null | undefined): string {
	return (tags ?? [])
		.map((t) => t.trim())
		.filter((t) => t.replace(/^#+/, '') !== '')
		.map((t) => `#${t.replace(/^#+/, '')}`)
		.join(' ');
}

/**
 * Splits what an operator typed into hashtags: separated by spaces, commas
 * or new lines, with or without "#", duplicates (ignoring case) dropped.
 */
export function parseHashtags(input: string): string[] {
	const seen = new Set<string>();
	const tags: string[] = [];
	for (const raw of input.split(/[\s,;]+/)) {
		const word = raw.replace(/^#+/, '');
		if (word === '') continue;
		const key = word.toLocaleLowerCase('pt-BR');
		if (seen.has(key)) continue;
		seen.add(key);
		tags.push(`#${word}`);
	}
	return tags;
}

/** Caption and hashtags as one text, ready to paste into Instagram. */
export function postClipboardText(caption: string, tags: readonly string[] | null | undefined): string {
	const hashtags = formatHashtags(tags);
	const body = caption.trim();
	if (hashtags === '') return body;
	if (body === '') return hashtags;
	return `${body}\n\n${hashtags}`;
}

/** "5511987654321" → "(11) 98765-4321"; anything unexpected is returned as is. */
export function formatPhone(digits: string): string {
	const m = /^55(\d{2})(\d{4,5})(\d{4})$/.exec(digits);
	if (!m) return digits;
	return `(${m[1]}) ${m[2]}-${m[3]}`;
}

/** PocketBase dates look like "2026-11-25 20:14:47.123Z". */
export function parseServerDate(value: string): Date | null {
	if (!value) return null;
	const date = new Date(value.replace(' ', 'T'));
	return Number.isNaN(date.getTime()) ? null : date;
}

const dateTimeFormat = new Intl.DateTimeFormat('pt-BR', {
	day: '2-digit',
	month: '2-digit',
	year: 'numeric',
	hour: '2-digit',
	minute: '2-digit'
});

const dateFormat = new Intl.DateTimeFormat('pt-BR', { day: '2-digit', month: '2-digit', year: 'numeric' });

/** "25/11/2026 20:14" in the browser's time zone; "" for a missing date. */
export function formatDateTime(value: string): string {
	const date = parseServerDate(value);
	return date ? dateTimeFormat.format(date).replace(',', '') : '';
}

/** "25/11/2026"; "" for a missing date. */
export function formatDate(value: string): string {
	const date = parseServerDate(value);
	return date ? dateFormat.format(date) : '';
}

/** Lower-cased and without accents, for forgiving searches ("São" matches "sao"). */
export function searchKey(text: string): string {
	return text
		.normalize('NFD')
		.replace(/\p{Diacritic}/gu, '')
		.toLocaleLowerCase('pt-BR');
}

/** Today's date (YYYY-MM-DD) in the instance's time zone, not the browser's. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
	// en-CA writes dates as YYYY-MM-DD.
	return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** "2026-03-09" → "09/03/2026"; a calendar date, never shifted by a time zone. */
export function formatCalendarDate(date: string): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
	return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}
