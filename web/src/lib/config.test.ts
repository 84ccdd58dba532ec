import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.svelte';

describe('parseConfig', () => {
	it('reads the documented fields', () => {
		expect(
			parseConfig({
				app_name: 'Conteúdo Já',
				llm_configured: false,
				contact_phone: '5511987654321',
				version: '1.2.0',
				timezone: 'America/Manaus',
				today: '2026-03-09'
			})
		).toEqual({
			app_name: 'Conteúdo Já',
			llm_configured: false,
			contact_phone: '5511987654321',
			version: '1.2.0',
			timezone: 'America/Manaus',
			today: '2026-03-09'
		});
	});

	it('falls back to defaults on missing or mistyped fields', () => {
		expect(parseConfig({ app_name: '  ', llm_configured: 'yes', contact_phone: 42, today: '9/3/2026' })).toEqual({
			app_name: 'Rekan',
			llm_configured: true,
			contact_phone: '',
			version: '',
			timezone: 'America/Sao_Paulo',
			today: ''
		});
		expect(parseConfig(null).app_name).toBe('Rekan');
	});

	it('keeps only the digits of the contact phone', () => {
		expect(parseConfig({ contact_phone: '+55 (11) 98765-4321' }).contact_phone).toBe('5511987654321');
	});
});
