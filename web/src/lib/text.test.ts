import { describe, expect, it } from 'vitest';
import { trimBlank } from './text';

describe('trimBlank', () => {
	it('empties a text of Default_Ignorable_Code_Point marks only', () => {
		expect(trimBlank('\ufe0f\u034f\u17b4\u17b5\u{e0100}\u{e01ef}\u200b\u3164')).toBe('');
	});
	it('keeps the selector of a closing emoji, trims the rest', () => {
		expect(trimBlank('\u200b obrigada ❤\ufe0f \u200b')).toBe('obrigada ❤\ufe0f');
		expect(trimBlank('👩\u200d🍳 chef')).toBe('👩\u200d🍳 chef');
	});
});
