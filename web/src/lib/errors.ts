// Turns whatever went wrong into something an operator can act on. The
// server's messages are already Portuguese; the SDK's own (network, aborts)
// are not, so those get ours.
import { ERROR_CODES } from './facts.gen';
import { SERVER_LIMITS } from './limits.gen';
import type { Post } from './types';

export type ProblemKind =
	| 'offline' // the request never reached the server
	| 'not_configured' // no LLM provider configured on this instance
	| 'provider' // the LLM provider failed or answered nonsense
	| 'unavailable' // the content runtime is down or restarting
	| 'session' // not logged in, or the session expired
	| 'rate_limited'
	| 'invalid' // bad input; `fields` says where
	| 'not_found'
	| 'other';

export interface Problem {
	kind: ProblemKind;
	status: number;
	title: string;
	message: string;
	/** Field messages from PocketBase validation errors, keyed by field name. */
	fields: Record<string, string>;
	/** Posts the server kept as failed, so they can be retried. */
	failedPosts: Post[];
}

interface ErrorLike {
	status?: unknown;
	isAbort?: unknown;
	response?: unknown;
	message?: unknown;
}

interface ErrorBody {
	message?: unknown;
	data?: Record<string, unknown>;
}

const TITLES: Record<ProblemKind, string> = {
	offline: 'Sem conexão com o servidor',
	not_configured: 'Geração indisponível',
	provider: 'Não foi possível gerar',
	unavailable: 'Serviço de geração fora do ar',
	session: 'Sua sessão expirou',
	rate_limited: 'Muitas tentativas seguidas',
	invalid: 'Confira os dados',
	not_found: 'Não encontrado',
	other: 'Algo deu errado'
};

const DEFAULT_MESSAGES: Record<ProblemKind, string> = {
	offline: 'Verifique sua internet e tente de novo. Nada do que você escreveu foi perdido.',
	not_configured:
		'A geração de posts ainda não foi ativada neste servidor. Peça a quem instalou e administra o Rekan para configurar a chave do provedor de IA.',
	provider: 'O provedor de IA não respondeu direito. Tente de novo em instantes.',
	unavailable: 'O serviço de geração está reiniciando. Tente de novo em alguns segundos.',
	session: 'Entre de novo para continuar.',
	rate_limited: 'Espere um pouco antes de tentar de novo.',
	invalid: 'Alguns dados não foram aceitos.',
	not_found: 'Este item não existe ou não é seu.',
	other: 'Tente de novo. Se continuar, avise o responsável pelo servidor.'
};

/** Classifies an error thrown by the SDK, fetch, or our own code. */
export function describeError(err: unknown): Problem {
	const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
	const status = typeof e.status === 'number' ? e.status : 0;
	const body = (typeof e.response === 'object' && e.response !== null ? e.response : {}) as ErrorBody;
	const data = (typeof body.data === 'object' && body.data !== null ? body.data : {}) as Record<string, unknown>;
	const code = typeof data.code === 'string' ? data.code : '';
	const serverMessage = typeof body.message === 'string' && status !== 0 ? body.message : '';

	let kind: ProblemKind;
	// The SDK reports a request that never got an answer as status 0.
	if (err instanceof TypeError || (typeof e.status === 'number' && status === 0 && e.isAbort !== true)) kind = 'offline';
	else if (code === ERROR_CODES.llmNotConfigured) kind = 'not_configured';
	else if (code === ERROR_CODES.llmUnavailable) kind = 'unavailable';
	else if (code === ERROR_CODES.llmFailed) kind = 'provider';
	else if (status === 401) kind = 'session';
	else if (status === 429) kind = 'rate_limited';
	else if (status === 404 || status === 403) kind = 'not_found';
	else if (status === 400) kind = 'invalid';
	else if (status === 502) kind = 'provider';
	else if (status === 503) kind = 'unavailable';
	else kind = 'other';

	const fields: Record<string, string> = {};
	for (const [name, value] of Object.entries(data)) {
		if (typeof value !== 'object' || value === null) continue;
		const v = value as { code?: unknown; message?: unknown };
		if (typeof v.message !== 'string') continue;
		fields[name] = fieldMessage(typeof v.code === 'string' ? v.code : '', v.message);
	}
	const failedPosts = Array.isArray(data.posts) ? (data.posts as Post[]) : [];

	return {
		kind,
		status,
		title: TITLES[kind],
		// PocketBase's generic English messages are not worth showing.
		message: serverMessage && !isGenericEnglish(serverMessage) ? serverMessage : DEFAULT_MESSAGES[kind],
		fields,
		failedPosts
	};
}

/** A request's outcome for pages that show a failure in place: its value, or what went wrong. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/** Awaits `request`, describing a failure instead of throwing it. */
export async function attempt<T>(request: Promise<T>): Promise<Attempt<T>> {
	try {
		return { ok: true, value: await request };
	} catch (err) {
		return { ok: false, problem: describeError(err) };
	}
}

// PocketBase's own errors ("Failed to create record.", "Something went wrong
// while processing your request.") are English; ours are Portuguese.
function isGenericEnglish(message: string): boolean {
	return /^(failed to|something went wrong|the requested resource|missing or invalid|too many requests|the request requires|only superusers|you are not allowed)/i.test(
		message
	);
}

/**
 * A PocketBase field error in Portuguese. Rekan's own validators already
 * answer in Portuguese; PocketBase's built-in ones answer in English, so
 * their codes get a translation.
 */
export function fieldMessage(code: string, message: string): string {
	switch (code) {
		case 'validation_required':
			return 'Preencha este campo.';
		case 'validation_length_out_of_range':
		case 'validation_length_too_long':
		case 'validation_max_text_constraint':
			return 'Texto longo demais.';
		case 'validation_invalid_email':
		case 'validation_is_email':
			return 'E-mail inválido.';
		// PocketBase's file field (requests.photos), when a request passes the web app's checks.
		case 'validation_invalid_file':
			return 'Arquivo não aceito: envie fotos JPEG, PNG ou WebP.';
		case 'validation_too_many_files':
			return `Um post tem no máximo ${SERVER_LIMITS.photos} fotos.`;
	}
	if (/^[\x00-\x7f]*$/.test(message) && /\b(the|must|be|cannot|invalid|value)\b/i.test(message)) {
		return 'Valor inválido.';
	}
	return message;
}

/** The login page's messages for a failed password auth. */
export function loginErrorMessage(err: unknown): string {
	const problem = describeError(err);
	switch (problem.kind) {
		case 'offline':
			return 'Não foi possível falar com o servidor. Verifique sua conexão e tente de novo.';
		case 'rate_limited':
			return 'Muitas tentativas de entrar. Espere um minuto e tente de novo.';
		case 'invalid':
		case 'not_found':
		case 'session':
			return 'E-mail ou senha incorretos.';
		default:
			return 'Não foi possível entrar agora. Tente de novo em instantes.';
	}
}
