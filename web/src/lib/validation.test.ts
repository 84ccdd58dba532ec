import { describe, expect, it } from 'vitest';
import {
	BRIEF_MAX,
	UFS,
	briefError,
	briefLength,
	emptyForm,
	formFromBusiness,
	isUF,
	normalisePhone,
	normaliseMobile,
	validateBusiness,
	type BusinessForm
} from './validation';

function form(overrides: Partial<BusinessForm> = {}): BusinessForm {
	return {
		...emptyForm(),
		name: 'Doces da Cida',
		segment: 'confeitaria',
		city: 'Campinas',
		state: 'SP',
		...overrides
	};
}

describe('UFs', () => {
	it('lists the 27 federative units once each', () => {
		expect(UFS).toHaveLength(27);
		expect(new Set(UFS.map(([code]) => code)).size).toBe(27);
	});

	it('accepts only upper-case UF codes', () => {
		expect(isUF('SP')).toBe(true);
		expect(isUF('DF')).toBe(true);
		expect(isUF('sp')).toBe(false);
		expect(isUF('XX')).toBe(false);
		expect(isUF('')).toBe(false);
	});
});

describe('normalisePhone', () => {
	it.each([
		['(11) 98765-4321', '5511987654321'],
		['11987654321', '5511987654321'],
		['+55 11 98765-4321', '5511987654321'],
		['0055 11 98765-4321', '5511987654321'],
		['55 11 98765 4321', '5511987654321'],
		['011 98765-4321', '5511987654321'],
		['(19) 3333-4444', '551933334444'],
		['551933334444', '551933334444'],
		['55 55 99999-1234', '5555999991234'], // DDD 55 (Rio Grande do Sul)
		['21.2222.3333', '552122223333'],
		['11/3333-4444', '551133334444'],
		['+1 415 555 0100', '14155550100'], // foreign numbers keep their country code
		['+351 912 345 678', '351912345678']
	])('%j → %s', (input, digits) => {
		expect(normalisePhone(input)).toEqual({ ok: true, digits });
	});

	it('treats an empty field as no phone', () => {
		expect(normalisePhone('   ')).toEqual({ ok: true, digits: '' });
	});

	it.each([
		'98765-4321', // no DDD
		'(11) 8765-432', // too short
		'(00) 98765-4321', // DDD with a zero
		'(10) 98765-4321', // DDD with a zero
		'(11) 88765-4321', // nine digits not starting with 9
		'11 98765-4321 ramal 2', // letters
		'5511 98765-43210', // too long
		'441234567890', // 12 digits without 55
		'+1 234', // foreign, too short
		'+55 11 8765-432' // +55 but not a Brazilian number
	])('rejects %j with a Portuguese message', (input) => {
		const result = normalisePhone(input);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.message).toMatch(/Telefone inválido/);
	});
});

describe('validateBusiness', () => {
	it('accepts the minimal profile and trims fields', () => {
		const result = validateBusiness(form({ name: '  Doces da Cida  ', neighbourhood: ' Cambuí ' }));
		expect(result).toEqual({
			ok: true,
			value: {
				name: 'Doces da Cida',
				segment: 'confeitaria',
				city: 'Campinas',
				state: 'SP',
				neighbourhood: 'Cambuí',
				phone: '',
				services: [],
				audience: '',
				voice: '',
				facts: [],
				notes: '',
				delivery_areas: [],
				opening_hours: '',
				segment_tags: [],
				posts_per_month: 0,
				owner_name: '',
				owner_whatsapp: ''
			}
		});
	});

	it('requires name, segment, city and state', () => {
		const result = validateBusiness(emptyForm());
		expect(result.ok).toBe(false);
		if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['city', 'name', 'segment', 'state']);
	});

	it('rejects an unknown UF and accepts lower case', () => {
		const bad = validateBusiness(form({ state: 'XY' }));
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(bad.errors.state).toContain('UF');
		const lower = validateBusiness(form({ state: 'rj' }));
		expect(lower.ok && lower.value.state).toBe('RJ');
	});

	it('normalises the phone and reports a bad one', () => {
		const ok = validateBusiness(form({ phone: '(19) 99876-5432' }));
		expect(ok.ok && ok.value.phone).toBe('5519998765432');
		const bad = validateBusiness(form({ phone: '12345' }));
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(bad.errors.phone).toBeTruthy();
	});

	it('parses service prices, skips blank rows and flags bad ones by row', () => {
		const ok = validateBusiness(
			form({
				services: [
					{ name: 'Bolo de pote', price: '12,50' },
					{ name: '', price: '' },
					{ name: 'Encomenda', price: '' },
					{ name: 'Bolo de casamento', price: 'R$ 1.200,00' }
				]
			})
		);
		expect(ok.ok && ok.value.services).toEqual([
			{ name: 'Bolo de pote', price_brl: 12.5 },
			{ name: 'Encomenda' },
			{ name: 'Bolo de casamento', price_brl: 1200 }
		]);

		const bad = validateBusiness(
			form({
				services: [
					{ name: 'Bolo', price: 'doze' },
					{ name: '', price: '10' },
					{ name: 'Caro', price: '2.000.000' }
				]
			})
		);
		expect(bad.ok).toBe(false);
		if (!bad.ok) {
			expect(Object.keys(bad.errors).sort()).toEqual(['services.0.price', 'services.1.name', 'services.2.price']);
		}
	});

	it('keeps non-empty facts and limits their length', () => {
		const ok = validateBusiness(form({ facts: [' receita da avó ', '', 'entrega no bairro'] }));
		expect(ok.ok && ok.value.facts).toEqual(['receita da avó', 'entrega no bairro']);
		const bad = validateBusiness(form({ facts: ['x'.repeat(301)] }));
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(bad.errors['facts.0']).toBeTruthy();
	});

	it('limits text lengths', () => {
		const bad = validateBusiness(form({ name: 'a'.repeat(121), notes: 'n'.repeat(2001) }));
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['name', 'notes']);
	});

	it('round-trips a stored business through the form', () => {
		const stored = {
			name: 'Barbearia do Zé',
			segment: 'barbearia',
			city: 'Recife',
			state: 'PE',
			neighbourhood: 'Boa Viagem',
			phone: '5581988887777',
			services: [{ name: 'Corte', price_brl: 35, unit: 'unidade' }, { name: 'Barba' }],
			audience: 'homens do bairro',
			voice: 'descontraído',
			facts: ['desde 1998'],
			notes: '',
			delivery_areas: ['Boa Viagem', 'Pina'],
			opening_hours: 'terça a sábado, 9h às 19h',
			segment_tags: ['barbearia'],
			posts_per_month: 12,
			owner_name: 'Zé Carlos',
			owner_whatsapp: '5581977776666'
		};
		const f = formFromBusiness(stored);
		expect(f.services).toEqual([
			{ name: 'Corte', price: '35,00', unit: 'unidade' },
			{ name: 'Barba', price: '', unit: '' }
		]);
		expect(f.delivery_areas).toBe('Boa Viagem, Pina');
		expect(validateBusiness(f)).toEqual({ ok: true, value: stored });
	});

	it('checks the monthly plan', () => {
		for (const [typed, ok] of [['', true], ['12', true], ['200', true], ['201', false], ['-1', false], ['2,5', false], ['doze', false]] as const) {
			const result = validateBusiness(form({ posts_per_month: typed }));
			expect(result.ok, typed).toBe(ok);
			if (!result.ok) expect(result.errors.posts_per_month).toBe('Use um número inteiro de 0 a 200.');
		}
	});
});

describe('brief', () => {
	it('counts code points like the server, not UTF-16 units', () => {
		expect(briefLength('bolo 🎂')).toBe(6);
		expect(briefLength('  bolo  ')).toBe(4);
	});

	it('requires text and caps the length', () => {
		expect(briefError('   ')).toMatch(/Escreva/);
		expect(briefError('a'.repeat(BRIEF_MAX))).toBeNull();
		expect(briefError('a'.repeat(BRIEF_MAX + 1))).toMatch(/2000/);
		expect(briefError('🎂'.repeat(BRIEF_MAX))).toBeNull();
	});
});

describe('claim fields', () => {
	it('keeps units, splits delivery areas and trims the hours', () => {
		const result = validateBusiness({
			...emptyForm(),
			name: 'Pão da Serra',
			segment: 'padaria',
			city: 'Juiz de Fora',
			state: 'MG',
			services: [{ name: 'Pão de queijo', price: '80', unit: ' cento ' }, { name: 'Bolo', price: '18', unit: '' }],
			delivery_areas: ' São Mateus, Centro;; Centro ',
			opening_hours: ' segunda a sábado, 6h às 20h '
		});
		expect(result.ok && result.value.services).toEqual([
			{ name: 'Pão de queijo', price_brl: 80, unit: 'cento' },
			{ name: 'Bolo', price_brl: 18 }
		]);
		expect(result.ok && result.value.delivery_areas).toEqual(['São Mateus', 'Centro']);
		expect(result.ok && result.value.opening_hours).toBe('segunda a sábado, 6h às 20h');
	});

	it('refuses too long a unit, area or hours', () => {
		const bad = validateBusiness({
			...emptyForm(),
			name: 'X',
			segment: 'y',
			city: 'Recife',
			state: 'PE',
			services: [{ name: 'Pão', price: '1', unit: 'u'.repeat(31) }],
			delivery_areas: 'a'.repeat(81),
			opening_hours: 'h'.repeat(301)
		});
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['delivery_areas', 'opening_hours', 'services.0.unit']);
	});
});

describe('normaliseMobile', () => {
	it('accepts a Brazilian mobile and an empty field', () => {
		expect(normaliseMobile('(84) 99876-5432')).toEqual({ ok: true, digits: '5584998765432' });
		expect(normaliseMobile(' ')).toEqual({ ok: true, digits: '' });
	});
	it.each(['(84) 3222-1234', '+1 415 555 0100', '(11) 8765-4321', 'ana'])('rejects %j', (input) => {
		const result = normaliseMobile(input);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.message).toMatch(/WhatsApp inválido/);
	});
	it('is checked by validateBusiness next to the public phone', () => {
		const result = validateBusiness(form({ phone: '(19) 3333-4444', owner_whatsapp: '(19) 3333-4444' }));
		expect(result.ok).toBe(false);
		if (!result.ok) expect(Object.keys(result.errors)).toEqual(['owner_whatsapp']);
	});
});
