import { describe, expect, it } from 'vitest';
import { ClientResponseError } from 'pocketbase';
import { attempt, describeError, fieldMessage, loginErrorMessage } from './errors';
import { ERROR_CODES, POST_STATUS } from './facts.gen';

function pbError(status: number, response: Record<string, unknown>, originalError?: unknown) {
	return new ClientResponseError({ url: '/api/x', status, response, originalError });
}

describe('describeError', () => {
	it('recognises a lost connection (status 0 or a fetch TypeError)', () => {
		expect(describeError(pbError(0, {}, new TypeError('Failed to fetch'))).kind).toBe('offline');
		expect(describeError(new TypeError('Failed to fetch')).kind).toBe('offline');
	});

	it('uses the data.code of generation errors and keeps the failed posts', () => {
		const posts = [{ id: 'p1', status: POST_STATUS.failed }];
		const failed = describeError(
			pbError(502, {
				status: 502,
				message: 'O provedor de IA falhou. Tente de novo.',
				data: { code: ERROR_CODES.llmFailed, posts }
			})
		);
		expect(failed.kind).toBe('provider');
		expect(failed.message).toBe('O provedor de IA falhou. Tente de novo.');
		expect(failed.failedPosts).toEqual(posts);

		const notConfigured = describeError(
			pbError(503, { status: 503, message: 'LLM não configurado.', data: { code: ERROR_CODES.llmNotConfigured, posts: [] } })
		);
		expect(notConfigured.kind).toBe('not_configured');

		const unavailable = describeError(pbError(503, { status: 503, message: 'Fora do ar.', data: { code: ERROR_CODES.llmUnavailable } }));
		expect(unavailable.kind).toBe('unavailable');
		expect(unavailable.failedPosts).toEqual([]);
	});

	it('maps statuses without a code', () => {
		expect(describeError(pbError(401, { message: 'The request requires valid record authorization token.' })).kind).toBe(
			'session'
		);
		expect(describeError(pbError(429, {})).kind).toBe('rate_limited');
		expect(describeError(pbError(404, {})).kind).toBe('not_found');
		expect(describeError(pbError(400, {})).kind).toBe('invalid');
		expect(describeError(pbError(500, {})).kind).toBe('other');
		expect(describeError('weird').kind).toBe('other');
	});

	it("replaces PocketBase's generic English messages by Portuguese ones", () => {
		const p = describeError(pbError(404, { message: "The requested resource wasn't found." }));
		expect(p.message).toMatch(/não existe/);
	});

	it('collects field errors in Portuguese', () => {
		const p = describeError(
			pbError(400, {
				message: 'Failed to create record.',
				data: {
					name: { code: 'validation_required', message: 'Cannot be blank.' },
					state: { code: 'invalid_state', message: 'Estado inválido.' },
					phone: { code: 'validation_invalid', message: 'Must be a valid value.' }
				}
			})
		);
		expect(p.kind).toBe('invalid');
		expect(p.fields).toEqual({ name: 'Preencha este campo.', state: 'Estado inválido.', phone: 'Valor inválido.' });
	});
});

describe('fieldMessage', () => {
	it('keeps Portuguese messages', () => {
		expect(fieldMessage('whatever', 'Telefone inválido: use o DDD.')).toBe('Telefone inválido: use o DDD.');
	});

	it("translates the file field's English errors", () => {
		expect(fieldMessage('validation_invalid_file', 'Invalid new files: a.pdf.')).toBe(
			'Arquivo não aceito: envie fotos JPEG, PNG ou WebP.'
		);
		expect(fieldMessage('validation_too_many_files', 'The maximum allowed files is 4')).toBe('Um post tem no máximo 4 fotos.');
		// The server's own photo errors are Portuguese already.
		expect(fieldMessage('validation_invalid_photo', 'A foto “x.jpg” está corrompida.')).toBe('A foto “x.jpg” está corrompida.');
	});
});

describe('loginErrorMessage', () => {
	it('tells wrong password, rate limit and unreachable server apart', () => {
		expect(loginErrorMessage(pbError(400, { message: 'Failed to authenticate.' }))).toBe('E-mail ou senha incorretos.');
		expect(loginErrorMessage(pbError(429, {}))).toMatch(/Muitas tentativas/);
		expect(loginErrorMessage(pbError(0, {}, new TypeError('Failed to fetch')))).toMatch(/servidor/);
	});
});

describe('attempt', () => {
	it('passes the value through and turns a failure into its problem', async () => {
		expect(await attempt(Promise.resolve(42))).toEqual({ ok: true, value: 42 });
		const failed = await attempt(Promise.reject(pbError(404, { message: 'The requested resource wasn\'t found.' })));
		expect(failed.ok).toBe(false);
		if (failed.ok) return;
		expect(failed.problem.kind).toBe('not_found');
		expect(failed.problem.message).toBe('Este item não existe ou não é seu.');
	});
});
