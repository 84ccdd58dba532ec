import { describe, expect, it } from 'vitest';
import {
	formatBRL,
	formatCalendarDate,
	formatDayMonth,
	formatDaysUntil,
	formatHashtags,
	formatPhone,
	todayIn,
	parseBRL,
	parseHashtags,
	parseServerDate,
	postClipboardText,
	searchKey
} from './format';

describe('formatBRL', () => {
	it.each([
		[0, 'R$ 0,00'],
		[5, 'R$ 5,00'],
		[45.9, 'R$ 45,90'],
		[999.99, 'R$ 999,99'],
		[1000, 'R$ 1.000,00'],
		[1234.5, 'R$ 1.234,50'],
		[1234567.891, 'R$ 1.234.567,89'],
		[0.005, 'R$ 0,01'],
		[-12.3, '-R$ 12,30']
	])('%s → %s', (value, text) => {
		expect(formatBRL(value)).toBe(text);
	});
});

describe('parseBRL', () => {
	it.each([
		['', null],
		['   ', null],
		['45', 45],
		['45,9', 45.9],
		['45,90', 45.9],
		['R$ 45,90', 45.9],
		['r$45', 45],
		['1.234,50', 1234.5],
		['1.234', 1234],
		['1.234.567', 1234567],
		['1234.5', 1234.5],
		['12.50', 12.5],
		['0,99', 0.99],
		[',5', 0.5],
		['1 234,00', 1234]
	])('accepts %j as %s', (text, value) => {
		expect(parseBRL(text)).toEqual({ ok: true, value });
	});

	it.each(['abc', '-5', '12,345', '1,2,3', '1.23.456', '12.', '.5', '1.2345', '1e3', '45 reais', '12,3a'])(
		'rejects %j',
		(text) => {
			expect(parseBRL(text)).toEqual({ ok: false });
		}
	);

	it('round-trips what formatBRL prints', () => {
		for (const value of [0, 0.1, 9.99, 45, 1000, 1234.56, 987654.32]) {
			expect(parseBRL(formatBRL(value))).toEqual({ ok: true, value });
		}
	});
});

describe('formatHashtags and parseHashtags', () => {
	it('formats a list with one # each, dropping empties', () => {
		expect(formatHashtags(['#bolo', 'doces', '##festa', ' ', '#'])).toBe('#bolo #doces #festa');
		expect(formatHashtags(null)).toBe('');
		expect(formatHashtags([])).toBe('');
	});

	it('parses spaces, commas and new lines, with or without #', () => {
		expect(parseHashtags('#bolo doces,#festa\n#casamento;  #confeitaria')).toEqual([
			'#bolo',
			'#doces',
			'#festa',
			'#casamento',
			'#confeitaria'
		]);
	});

	it('drops duplicates ignoring case but keeps the first spelling and accents', () => {
		expect(parseHashtags('#BoloDePote #bolodepote #SãoPaulo #saopaulo')).toEqual([
			'#BoloDePote',
			'#SãoPaulo',
			'#saopaulo'
		]);
	});

	it('returns nothing for blank input', () => {
		expect(parseHashtags('  # ## , ')).toEqual([]);
	});

	it('builds the clipboard text as caption, blank line, hashtags', () => {
		expect(postClipboardText(' Bolo novo! \n', ['#bolo', 'doce'])).toBe('Bolo novo!\n\n#bolo #doce');
		expect(postClipboardText('Só legenda', [])).toBe('Só legenda');
		expect(postClipboardText('', ['#a'])).toBe('#a');
	});
});

describe('formatPhone', () => {
	it('formats mobiles and landlines', () => {
		expect(formatPhone('5511987654321')).toBe('(11) 98765-4321');
		expect(formatPhone('551133334444')).toBe('(11) 3333-4444');
	});

	it('returns unexpected values untouched', () => {
		expect(formatPhone('12345')).toBe('12345');
		expect(formatPhone('14155550123')).toBe('+14155550123');
		expect(formatPhone('')).toBe('');
	});
});

describe('dates', () => {
	it("parses PocketBase's space-separated UTC dates", () => {
		expect(parseServerDate('2026-11-25 20:14:47.123Z')?.toISOString()).toBe('2026-11-25T20:14:47.123Z');
		expect(parseServerDate('')).toBeNull();
		expect(parseServerDate('not a date')).toBeNull();
	});
});

describe('searchKey', () => {
	it('ignores accents and case', () => {
		expect(searchKey('Confeitaria São João')).toBe('confeitaria sao joao');
		expect(searchKey('AÇAÍ')).toBe('acai');
	});
});

describe('calendar dates', () => {
	it('formats a day and month', () => {
		expect(formatDayMonth('2026-05-09')).toBe('09/05');
		expect(formatDayMonth('09/05/2026')).toBe('');
	});
	it('says how far a date is', () => {
		expect(formatDaysUntil(0)).toBe('hoje');
		expect(formatDaysUntil(1)).toBe('amanhã');
		expect(formatDaysUntil(18)).toBe('em 18 dias');
	});
});

describe('todayIn', () => {
	it('is the instance zone\'s date: 23:30 in São Paulo is 02:30 UTC the next day', () => {
		const at = new Date('2026-03-10T02:30:00Z');
		expect(todayIn('America/Sao_Paulo', at)).toBe('2026-03-09');
		expect(todayIn('UTC', at)).toBe('2026-03-10');
	});
});

describe('formatCalendarDate', () => {
	it('writes a calendar date day first, never shifting it', () => {
		expect(formatCalendarDate('2026-03-09')).toBe('09/03/2026');
		expect(formatCalendarDate('')).toBe('');
		expect(formatCalendarDate('2026-03-09T00:00:00Z')).toBe('');
	});
});
