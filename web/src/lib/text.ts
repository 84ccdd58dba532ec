import { BLANK } from './blank.gen';

const MARK = /^[\p{Mn}\p{Me}]$/u;

/** Whether one code point shows nothing (the server's eval/text.IsBlank). */
export function isBlank(codePoint: string): boolean {
	return BLANK.test(codePoint);
}

/**
 * The server's eval/text.Trim: blank code points off both ends, except the
 * marks that follow the last visible one (the variation selector of a
 * closing "❤️"). A text of invisible characters only becomes "".
 */
export function trimBlank(s: string): string {
	const cps = Array.from(s);
	let start = 0;
	while (start < cps.length && isBlank(cps[start])) start++;
	let end = cps.length;
	while (end > start && isBlank(cps[end - 1])) end--;
	if (end === start) return '';
	while (end < cps.length && MARK.test(cps[end])) end++;
	return cps.slice(start, end).join('');
}
