import { describe, expect, it } from 'vitest';
import { loginPath, safeNext } from './redirect';

describe('safeNext', () => {
	it.each([
		['/app', '/app'],
		['/app/clientes/abc123', '/app/clientes/abc123'],
		['/app/clientes/abc123/editar?x=1#y', '/app/clientes/abc123/editar?x=1#y'],
		['/termos', '/termos'],
		['/app/../termos', '/termos']
	])('follows same-site path %j', (next, expected) => {
		expect(safeNext(next)).toBe(expected);
	});

	it.each([
		null,
		undefined,
		'',
		'app',
		'//evil.example/app',
		'///evil.example',
		'/\\evil.example',
		'\\\\evil.example',
		'https://evil.example/app',
		'http:/evil.example',
		'javascript:alert(1)',
		'/\tjavascript:alert(1)',
		' /app',
		'/entrar',
		'/entrar?next=/app',
		'/sair'
	])('falls back to /app for %j', (next) => {
		expect(safeNext(next)).toBe('/app');
	});

	it('keeps encoded characters inside the path', () => {
		expect(safeNext('/app/clientes/a%2Fb')).toBe('/app/clientes/a%2Fb');
	});
});

describe('loginPath', () => {
	it('round-trips through safeNext', () => {
		const path = '/app/clientes/abc123?page=2';
		const url = new URL(loginPath(path), 'http://x.invalid');
		expect(url.pathname).toBe('/entrar');
		expect(safeNext(url.searchParams.get('next'))).toBe(path);
	});

	it('omits next for the default page and unsafe paths', () => {
		expect(loginPath('/app')).toBe('/entrar');
		expect(loginPath('//evil.example')).toBe('/entrar');
	});
});
