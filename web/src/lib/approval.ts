// The client's approval page (routes/aprovar) talks to two public endpoints with the token in
// a header (never in a URL). Deliberately free of the PocketBase SDK and of
// the app's modules: this page must load fast on a cheap phone.

export interface ClientDecision {
	decision: 'aprovado' | 'ajuste';
	note: string;
	name: string;
	created: string;
}

export interface ApprovalPost {
	id: string;
	caption: string;
	hashtags: string[];
	publish_on: string;
	photos: string[];
	open: boolean;
	decision: ClientDecision | null;
}

export interface ApprovalView {
	operator: string;
	business: string;
	expires: string;
	posts: ApprovalPost[];
}

export const TOKEN_HEADER = 'X-Rekan-Approval';

/** What went wrong, in Portuguese, and whether the link itself is dead. */
export class ApprovalError extends Error {
	constructor(
		message: string,
		readonly dead = false,
		readonly fields: Record<string, string> = {}
	) {
		super(message);
	}
}

async function call(token: string, method: string, path: string, body?: unknown): Promise<ApprovalView> {
	let res: Response;
	try {
		res = await fetch(path, {
			method,
			headers: { [TOKEN_HEADER]: token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined,
			referrerPolicy: 'no-referrer',
			cache: 'no-store'
		});
	} catch {
		throw new ApprovalError('Sem conexão. Nada foi enviado; confira a internet e tente de novo.');
	}
	const data = await res.json().catch(() => null);
	if (res.ok) return data as ApprovalView;
	if (res.status === 404) throw new ApprovalError(data?.message ?? 'Link inválido ou expirado.', true);
	if (res.status === 429) throw new ApprovalError('Muitas tentativas seguidas. Espere um minuto e tente de novo.');
	if (res.status === 503) throw new ApprovalError('O sistema está reiniciando. Tente de novo em alguns segundos.');
	const fields: Record<string, string> = {};
	for (const [key, value] of Object.entries((data?.data ?? {}) as Record<string, { message?: string }>)) {
		if (value?.message) fields[key] = value.message;
	}
	throw new ApprovalError(data?.message ?? 'Algo deu errado. Tente de novo.', false, fields);
}

export function loadApproval(token: string): Promise<ApprovalView> {
	return call(token, 'GET', '/api/rekan/approval');
}

export function sendDecision(
	token: string,
	decision: { post: string; decision: 'aprovado' | 'ajuste'; note: string; name: string }
): Promise<ApprovalView> {
	return call(token, 'POST', '/api/rekan/approval/decisions', decision);
}

const WEEKDAYS = ['domingo', 'segunda', 'terça', 'quarta', 'quinta', 'sexta', 'sábado'];
const MONTHS = [
	'janeiro',
	'fevereiro',
	'março',
	'abril',
	'maio',
	'junho',
	'julho',
	'agosto',
	'setembro',
	'outubro',
	'novembro',
	'dezembro'
];

/** "2026-05-12" → "terça, 12 de maio": a calendar date, never shifted by a time zone. */
export function formatPublishDate(date: string): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
	if (!m) return '';
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const weekday = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
	return `${WEEKDAYS[weekday]}, ${d} de ${MONTHS[mo - 1]}`;
}

/** "12/05 às 14:03" in the browser's zone. */
export function formatWhen(iso: string): string {
	const t = new Date(iso.replace(' ', 'T'));
	if (Number.isNaN(t.getTime())) return '';
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${pad(t.getDate())}/${pad(t.getMonth() + 1)} às ${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/** The first name, for greetings. */
export function firstName(name: string): string {
	return name.trim().split(/\s+/)[0] ?? '';
}

/** "há 2 dias", "hoje", "ontem": how long ago a link was sent. */
export function sentAgo(iso: string, now = new Date()): string {
	const t = new Date(iso.replace(' ', 'T'));
	if (Number.isNaN(t.getTime())) return '';
	const day = (d: Date) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
	const days = Math.round((day(now) - day(t)) / 86_400_000);
	if (days <= 0) return 'hoje';
	if (days === 1) return 'ontem';
	return `há ${days} dias`;
}

/** The WhatsApp message that carries an approval link, in the operator's friendly pt-BR. */
export function approvalMessage(ownerName: string, count: number, url: string, reminder = false): string {
	const name = firstName(ownerName);
	const hello = name ? `Oi, ${name}! Tudo bem?` : 'Oi! Tudo bem?';
	const posts = count === 1 ? 'o post novo' : `os ${count} posts novos`;
	if (reminder)
		return `${hello} Passando para lembrar: ${count === 1 ? 'ainda falta' : 'ainda faltam'} ${posts.replace('novos', '').replace('novo', '').trim()} para você olhar. É rapidinho, dá para aprovar ou pedir ajuste por aqui: ${url}`;
	return `${hello} Preparei ${posts} do Instagram. Dá uma olhada e me diz se posso publicar; se quiser mudar algo, é só pedir ajuste no próprio link: ${url}`;
}
