// Validation of a business profile before it is sent. It mirrors the server's
// rules so operators see every problem at once, in Portuguese, next to the
// field; the server stays the authority (its field errors are shown the same way).
import { parseBRL, formatBRL, formatPhone } from './format';
import { SERVER_LIMITS } from './limits.gen';
import { trimBlank } from './text';
import type { BusinessInput, Offering } from './types';

/** The 27 federative units, as the server accepts them. */
export const UFS = [
	['AC', 'Acre'],
	['AL', 'Alagoas'],
	['AP', 'Amapá'],
	['AM', 'Amazonas'],
	['BA', 'Bahia'],
	['CE', 'Ceará'],
	['DF', 'Distrito Federal'],
	['ES', 'Espírito Santo'],
	['GO', 'Goiás'],
	['MA', 'Maranhão'],
	['MT', 'Mato Grosso'],
	['MS', 'Mato Grosso do Sul'],
	['MG', 'Minas Gerais'],
	['PA', 'Pará'],
	['PB', 'Paraíba'],
	['PR', 'Paraná'],
	['PE', 'Pernambuco'],
	['PI', 'Piauí'],
	['RJ', 'Rio de Janeiro'],
	['RN', 'Rio Grande do Norte'],
	['RS', 'Rio Grande do Sul'],
	['RO', 'Rondônia'],
	['RR', 'Roraima'],
	['SC', 'Santa Catarina'],
	['SP', 'São Paulo'],
	['SE', 'Sergipe'],
	['TO', 'Tocantins']
] as const;

const ufCodes = new Set<string>(UFS.map(([code]) => code));

export function isUF(value: string): boolean {
	return ufCodes.has(value);
}

/**
 * Field limits, in characters (or items for lists): the server's, generated
 * from its constants, plus the price cap only this form applies.
 */
export const LIMITS = {
	...SERVER_LIMITS,
	maxPrice: 1_000_000
} as const;

export type PhoneResult = { ok: true; digits: string } | { ok: false; message: string };

const PHONE_MESSAGE = 'Telefone inválido: use DDD e número, por exemplo (11) 98765-4321.';

/**
 * Normalises a phone number to E.164 digits without the plus, exactly like
 * the server: "(11) 98765-4321" → "5511987654321". Spaces, dots, dashes,
 * slashes and parentheses are formatting; a leading 0 is the trunk prefix.
 * Numbers without "+"/"00" are Brazilian: a DDD without zeros, then 8 digits
 * (landline) or 9 starting with 9 (mobile). Foreign numbers ("+1 …") only
 * need 8-15 digits. Empty input is "no phone".
 */
export function normalisePhone(input: string): PhoneResult {
	const raw = input.trim();
	if (raw === '') return { ok: true, digits: '' };
	if (/[^\d ()\-.+/]/.test(raw)) return { ok: false, message: PHONE_MESSAGE };
	const international = raw.startsWith('+') || raw.startsWith('00');
	let digits = raw.replace(/\D/g, '');
	if (raw.startsWith('00')) digits = digits.slice(2);

	if (international && !digits.startsWith('55')) {
		if (digits.length < SERVER_LIMITS.phoneMinDigits || digits.length > SERVER_LIMITS.phoneMaxDigits)
			return { ok: false, message: PHONE_MESSAGE };
		return { ok: true, digits };
	}
	if (!international) {
		if (digits.startsWith('0')) digits = digits.slice(1);
		if (digits.length === 12 || digits.length === 13) {
			if (!digits.startsWith('55')) return { ok: false, message: PHONE_MESSAGE };
		} else {
			digits = `55${digits}`;
		}
	}
	if (!validBrazilian(digits.slice(2))) return { ok: false, message: PHONE_MESSAGE };
	return { ok: true, digits };
}

const MOBILE_MESSAGE = 'WhatsApp inválido: use um celular com DDD, por exemplo (11) 98765-4321.';

/**
 * A Brazilian mobile (55 + DDD + 9 + 8 digits), as the server's
 * NormalizeMobile: the owner's WhatsApp, where approval links go.
 */
export function normaliseMobile(input: string): PhoneResult {
	const phone = normalisePhone(input);
	if (!phone.ok || phone.digits === '') return phone.ok ? phone : { ok: false, message: MOBILE_MESSAGE };
	if (phone.digits.length !== 13 || !phone.digits.startsWith('55') || phone.digits[4] !== '9')
		return { ok: false, message: MOBILE_MESSAGE };
	return phone;
}

function validBrazilian(national: string): boolean {
	if (national.length !== 10 && national.length !== 11) return false;
	if (national[0] === '0' || national[1] === '0') return false;
	return national.length === 10 || national[2] === '9';
}

/** One editable service row: the price is kept as typed until saved. */
export interface ServiceRow {
	name: string;
	price: string;
	/** What the price buys ("cento", "kg"…), optional. */
	unit?: string;
}

/** The business form's state: the business's text fields, and editable lists. */
export type BusinessForm = Omit<BusinessInput, 'services' | 'facts' | 'delivery_areas' | 'opening_hours' | 'segment_tags' | 'posts_per_month'> & {
	services: ServiceRow[];
	facts: string[];
	/** Delivery areas as typed: names separated by commas. */
	delivery_areas: string;
	opening_hours: string;
	segment_tags: string[];
	/** As typed; empty means no plan. */
	posts_per_month: string;
};

/** Splits typed delivery areas ("Batel, Água Verde") into trimmed, distinct names. */
export function parseAreas(typed: string): string[] {
	const out: string[] = [];
	for (const part of typed.split(/[,;\n]/)) {
		const area = part.trim();
		if (area !== '' && !out.includes(area)) out.push(area);
	}
	return out;
}

export function emptyForm(): BusinessForm {
	return {
		name: '',
		segment: '',
		city: '',
		state: '',
		neighbourhood: '',
		phone: '',
		services: [],
		audience: '',
		voice: '',
		facts: [],
		notes: '',
		delivery_areas: '',
		opening_hours: '',
		segment_tags: [],
		posts_per_month: '',
		owner_name: '',
		owner_whatsapp: ''
	};
}

/** Fills the form from a stored business (prices shown as "45,90"). */
export function formFromBusiness(b: Partial<BusinessInput>): BusinessForm {
	return {
		name: b.name ?? '',
		segment: b.segment ?? '',
		city: b.city ?? '',
		state: b.state ?? '',
		neighbourhood: b.neighbourhood ?? '',
		// Shown as the header shows it; normalisePhone reads it back to digits.
		phone: formatPhone(b.phone ?? ''),
		services: (b.services ?? []).map((s) => ({
			name: s.name,
			price: s.price_brl == null ? '' : formatBRL(s.price_brl).replace(/^R\$\s/, ''),
			unit: s.unit ?? ''
		})),
		audience: b.audience ?? '',
		voice: b.voice ?? '',
		facts: [...(b.facts ?? [])],
		notes: b.notes ?? '',
		delivery_areas: (b.delivery_areas ?? []).join(', '),
		opening_hours: b.opening_hours ?? '',
		segment_tags: [...(b.segment_tags ?? [])],
		posts_per_month: b.posts_per_month ? String(b.posts_per_month) : '',
		owner_name: b.owner_name ?? '',
		owner_whatsapp: b.owner_whatsapp ?? ''
	};
}

/**
 * Errors keyed by field. List fields use "services.2.price" / "facts.0";
 * the whole-list errors use "services" / "facts".
 */
export type FieldErrors = Record<string, string>;

export type ValidationResult = { ok: true; value: BusinessInput } | { ok: false; errors: FieldErrors };

/** Checks the form and returns the normalised record to save, or every error. */
export function validateBusiness(form: BusinessForm): ValidationResult {
	const errors: FieldErrors = {};
	const text = (field: keyof typeof LIMITS, value: string, required: string | null) => {
		const v = value.trim();
		if (required && v === '') errors[field] = required;
		else if (v.length > LIMITS[field]) errors[field] = `Use no máximo ${LIMITS[field]} caracteres.`;
		return v;
	};

	const name = text('name', form.name, 'Informe o nome do negócio.');
	const segment = text('segment', form.segment, 'Informe o ramo (ex.: confeitaria, barbearia).');
	const city = text('city', form.city, 'Informe a cidade.');
	const neighbourhood = text('neighbourhood', form.neighbourhood, null);
	const audience = text('audience', form.audience, null);
	const voice = text('voice', form.voice, null);
	const notes = text('notes', form.notes, null);
	const opening_hours = form.opening_hours.trim();
	if (opening_hours.length > LIMITS.openingHours) errors.opening_hours = `Use no máximo ${LIMITS.openingHours} caracteres.`;

	const state = form.state.trim().toUpperCase();
	if (state === '') errors.state = 'Escolha o estado.';
	else if (!isUF(state)) errors.state = 'Estado inválido: use a sigla da UF (ex.: SP).';

	const phone = normalisePhone(form.phone);
	if (!phone.ok) errors.phone = phone.message;

	const ownerName = form.owner_name.trim();
	if (ownerName.length > LIMITS.ownerName) errors.owner_name = `Use no máximo ${LIMITS.ownerName} caracteres.`;
	const ownerWhatsApp = normaliseMobile(form.owner_whatsapp);
	if (!ownerWhatsApp.ok) errors.owner_whatsapp = ownerWhatsApp.message;

	const services: Offering[] = [];
	const rows = form.services.filter((s) => s.name.trim() !== '' || s.price.trim() !== '');
	if (rows.length > LIMITS.services) errors.services = `No máximo ${LIMITS.services} serviços.`;
	form.services.forEach((row, i) => {
		const serviceName = row.name.trim();
		if (serviceName === '' && row.price.trim() === '') return;
		if (serviceName === '') errors[`services.${i}.name`] = 'Dê um nome ao serviço ou apague a linha.';
		else if (serviceName.length > LIMITS.serviceName)
			errors[`services.${i}.name`] = `Use no máximo ${LIMITS.serviceName} caracteres.`;
		const price = parseBRL(row.price);
		if (!price.ok) errors[`services.${i}.price`] = 'Preço inválido. Ex.: 45,90';
		else if (price.value !== null && price.value > LIMITS.maxPrice)
			errors[`services.${i}.price`] = 'Preço alto demais.';
		const unit = (row.unit ?? '').trim();
		if (unit.length > LIMITS.serviceUnit) errors[`services.${i}.unit`] = `Use no máximo ${LIMITS.serviceUnit} caracteres.`;
		if (price.ok) {
			const service: Offering = price.value === null ? { name: serviceName } : { name: serviceName, price_brl: price.value };
			if (unit !== '') service.unit = unit;
			services.push(service);
		}
	});

	const facts: string[] = [];
	form.facts.forEach((fact, i) => {
		const f = fact.trim();
		if (f === '') return;
		if (f.length > LIMITS.fact) errors[`facts.${i}`] = `Use no máximo ${LIMITS.fact} caracteres.`;
		facts.push(f);
	});
	if (facts.length > LIMITS.facts) errors.facts = `No máximo ${LIMITS.facts} diferenciais.`;

	const delivery_areas = parseAreas(form.delivery_areas);
	if (delivery_areas.length > LIMITS.deliveryAreas) errors.delivery_areas = `No máximo ${LIMITS.deliveryAreas} áreas de entrega.`;
	else if (delivery_areas.some((a) => a.length > LIMITS.deliveryArea))
		errors.delivery_areas = `Cada área pode ter no máximo ${LIMITS.deliveryArea} caracteres.`;
	const plan = form.posts_per_month.trim();
	const postsPerMonth = plan === '' ? 0 : Number(plan);
	if (!/^\d*$/.test(plan) || postsPerMonth > SERVER_LIMITS.postsPerMonth)
		errors.posts_per_month = `Use um número inteiro de 0 a ${SERVER_LIMITS.postsPerMonth}.`;

	if (Object.keys(errors).length > 0) return { ok: false, errors };
	return {
		ok: true,
		value: {
			name,
			segment,
			city,
			state,
			neighbourhood,
			phone: phone.ok ? phone.digits : '',
			services,
			audience,
			voice,
			facts,
			notes,
			delivery_areas,
			opening_hours,
			segment_tags: [...form.segment_tags],
			posts_per_month: postsPerMonth,
			owner_name: ownerName,
			owner_whatsapp: ownerWhatsApp.ok ? ownerWhatsApp.digits : ''
		}
	};
}

/** Limit of a brief, in characters (the server rejects longer ones). */
export const BRIEF_MAX = SERVER_LIMITS.brief;

/** How many posts one generation may ask for, in order. */
export const POST_COUNTS: readonly number[] = Array.from(
	{ length: SERVER_LIMITS.postsMax - SERVER_LIMITS.postsMin + 1 },
	(_, i) => SERVER_LIMITS.postsMin + i
);

/**
 * Length as the server counts it: Unicode code points of the text trimmed by
 * the server's rule (invisible characters do not count)
 * (an emoji is one character, not two UTF-16 units).
 */
export function briefLength(brief: string): number {
	return Array.from(trimBlank(brief)).length;
}

/** The brief's problem in Portuguese, or null when it can be sent. */
export function briefError(brief: string): string | null {
	const length = briefLength(brief);
	if (length === 0) return 'Escreva o que aconteceu ou o que quer divulgar.';
	if (length > BRIEF_MAX) return `O pedido passou de ${BRIEF_MAX} caracteres.`;
	return null;
}
