import { describe, expect, it } from 'vitest';
import { fitWithin, photoCountProblem, photoFileProblem, PHOTO_LONG_EDGE, PHOTO_SOURCE_MAX_BYTES, scalePhoto, PhotoError } from './photos';

describe('fitWithin', () => {
	it.each([
		[4000, 3000, 1600, 1200], // 12 MP landscape
		[3000, 4000, 1200, 1600], // portrait
		[4032, 3024, 1600, 1200],
		[1600, 900, 1600, 900], // already small enough
		[800, 600, 800, 600], // never scaled up
		[10000, 10, 1600, 2],
		[10, 100000, 1, 1600] // rounding never reaches 0
	])('%i×%i → %i×%i', (w, h, ew, eh) => {
		expect(fitWithin(w, h, PHOTO_LONG_EDGE)).toEqual({ width: ew, height: eh });
	});
});

describe('photoFileProblem', () => {
	const file = (name: string, type: string, size = 1000) => ({ name, type, size });

	it.each([
		['IMG_0001.JPG', 'image/jpeg'],
		['print.png', 'image/png'],
		['camera.webp', 'image/webp'],
		['iphone.heic', 'image/heic'], // decoding decides
		['sem-tipo', '']
	])('accepts %s (%s) for decoding', (name, type) => {
		expect(photoFileProblem(file(name, type))).toBeNull();
	});

	it('refuses what is not an image, naming the file', () => {
		expect(photoFileProblem(file('cardapio.pdf', 'application/pdf'))).toBe(
			'“cardapio.pdf” não é uma foto. Escolha imagens JPEG, PNG ou WebP.'
		);
		expect(photoFileProblem(file('notas.txt', 'text/plain'))).toMatch(/não é uma foto/);
	});

	it('refuses empty and oversized files', () => {
		expect(photoFileProblem(file('vazia.jpg', 'image/jpeg', 0))).toBe('“vazia.jpg” está vazio.');
		expect(photoFileProblem(file('enorme.jpg', 'image/jpeg', PHOTO_SOURCE_MAX_BYTES + 1))).toMatch(/grande demais/);
	});
});

describe('photoCountProblem', () => {
	it('allows up to four', () => {
		expect(photoCountProblem(0, 4)).toBeNull();
		expect(photoCountProblem(3, 1)).toBeNull();
	});

	it('says how many are left', () => {
		expect(photoCountProblem(2, 3)).toBe('Cada post tem no máximo 4 fotos: dá para adicionar só mais 2.');
		expect(photoCountProblem(3, 2)).toBe('Cada post tem no máximo 4 fotos: dá para adicionar só mais 1.');
		expect(photoCountProblem(4, 1)).toBe('Cada post tem no máximo 4 fotos. Remova uma para adicionar outra.');
	});
});

describe('scalePhoto', () => {
	it('refuses a non-image before decoding it', async () => {
		const pdf = new File(['%PDF-1.4'], 'cardapio.pdf', { type: 'application/pdf' });
		await expect(scalePhoto(pdf)).rejects.toThrow(PhotoError);
		await expect(scalePhoto(pdf)).rejects.toThrow('“cardapio.pdf” não é uma foto. Escolha imagens JPEG, PNG ou WebP.');
	});
});
