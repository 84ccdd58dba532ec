import { describe, expect, it } from 'vitest';
import { approvalMessage, firstName, formatPublishDate, sentAgo } from './approval';

describe('approval helpers', () => {
	it('formats a publish date as a calendar date, whatever the zone', () => {
		expect(formatPublishDate('2026-05-12')).toBe('terça, 12 de maio');
		expect(formatPublishDate('12/05/2026')).toBe('');
	});
	it('greets the owner by first name and counts the posts', () => {
		const text = approvalMessage(' Ana Souza ', 2, 'https://x.example/aprovar#abc');
		expect(text).toMatch(/^Oi, Ana! /);
		expect(text).toContain('os 2 posts novos');
		expect(text).toContain('https://x.example/aprovar#abc');
		expect(approvalMessage('', 1, 'u')).toMatch(/^Oi! .*o post novo/);
		expect(approvalMessage('Zé', 3, 'u', true)).toContain('ainda faltam os 3 posts');
		expect(firstName('  Maria  Clara ')).toBe('Maria');
	});
	it('says how long ago a link went out', () => {
		const now = new Date(2026, 4, 14, 10, 0);
		expect(sentAgo(new Date(2026, 4, 12, 23, 0).toISOString(), now)).toBe('há 2 dias');
		expect(sentAgo(new Date(2026, 4, 13, 9, 0).toISOString(), now)).toBe('ontem');
		expect(sentAgo(new Date(2026, 4, 14, 8, 0).toISOString(), now)).toBe('hoje');
	});
});
