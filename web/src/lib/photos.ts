// Photos an operator attaches are scaled in the browser before they are
// uploaded: a 12-megapixel phone photo becomes a JPEG of at most 1600 px on
// its long edge (a few hundred KB instead of several MB over mobile data),
// turned upright from its EXIF orientation, and re-encoded through a canvas,
// which keeps pixels only: no EXIF, no GPS position of the client's home.
// The server decodes and re-encodes again; this is about bytes on the wire
// and about metadata never leaving the phone.
//
// bench/web/photos.mjs runs this very file in Chromium: keep its imports to
// relative modules of src/lib (no $lib, no SDK).

import { PHOTO_JPEG_QUALITY } from './facts.gen';
import { SERVER_LIMITS } from './limits.gen';

/** Photos per post (a post selects at most this many of its request's photos). */
export const PHOTO_MAX_COUNT = SERVER_LIMITS.photos;
/** Long edge of an uploaded photo, in pixels: what the server stores. */
export const PHOTO_LONG_EDGE = SERVER_LIMITS.photoEdge;
/** JPEG quality of an uploaded photo, the server's (0-1 for the canvas). */
export const PHOTO_QUALITY = PHOTO_JPEG_QUALITY / 100;
/**
 * Bytes an uploaded photo should stay under; a grainy low-light photo that
 * passes it at PHOTO_QUALITY is encoded again at PHOTO_QUALITY_FALLBACK.
 */
export const PHOTO_UPLOAD_BUDGET_BYTES = 600 * 1024;
export const PHOTO_QUALITY_FALLBACK = 0.75;
// The chosen file is not what is uploaded, so the server's per-file bounds
// (SERVER_LIMITS.photoBytes, photoPixels) do not apply to it: these only keep
// the phone from choking on something that is no photo.
/** Files larger than this are refused before decoding (no phone photo is this big). */
export const PHOTO_SOURCE_MAX_BYTES = 50 * 1024 * 1024;
/** Decoded images larger than this are refused (a decompression bomb, not a photo). */
export const PHOTO_SOURCE_MAX_PIXELS = 120_000_000;

/** A problem with one chosen file, worded for the operator. */
export class PhotoError extends Error {
	override name = 'PhotoError';
}

export interface ScaledPhoto {
	/** The JPEG to upload. */
	file: File;
	width: number;
	height: number;
	/** Size of the file the operator chose, for the record. */
	sourceBytes: number;
}

/** Size of `width`×`height` scaled down (never up) to fit `longEdge`. */
export function fitWithin(width: number, height: number, longEdge: number): { width: number; height: number } {
	const long = Math.max(width, height);
	if (long <= longEdge) return { width, height };
	const ratio = longEdge / long;
	return {
		width: Math.max(1, Math.round(width * ratio)),
		height: Math.max(1, Math.round(height * ratio))
	};
}

/**
 * What is wrong with a chosen file before trying to open it, or null. Any
 * image the browser can decode is fine (it is re-encoded as JPEG); the type
 * may be empty on some phones, and decoding then decides.
 */
export function photoFileProblem(file: Pick<File, 'name' | 'type' | 'size'>): string | null {
	if (file.type !== '' && !file.type.startsWith('image/')) {
		return `“${file.name}” não é uma foto. Escolha imagens JPEG, PNG ou WebP.`;
	}
	if (file.size === 0) return `“${file.name}” está vazio.`;
	if (file.size > PHOTO_SOURCE_MAX_BYTES) return `“${file.name}” é grande demais para uma foto.`;
	return null;
}

/** The message when `adding` more photos would pass the limit, or null. */
export function photoCountProblem(current: number, adding: number, max: number = PHOTO_MAX_COUNT): string | null {
	if (current + adding <= max) return null;
	const left = Math.max(0, max - current);
	if (left === 0) return `Cada post tem no máximo ${max} fotos. Remova uma para adicionar outra.`;
	return `Cada post tem no máximo ${max} fotos: dá para adicionar só mais ${left === 1 ? '1' : left}.`;
}

/** "foto-1.jpg" from "IMG_2024.HEIC" and its position. */
export function photoName(index: number): string {
	return `foto-${index + 1}.jpg`;
}

/**
 * Decodes `file` upright, scales it to fit PHOTO_LONG_EDGE and re-encodes it
 * as JPEG without metadata. Throws PhotoError (Portuguese) for anything that
 * is not a readable image.
 */
export async function scalePhoto(file: File, name = 'foto.jpg'): Promise<ScaledPhoto> {
	const problem = photoFileProblem(file);
	if (problem) throw new PhotoError(problem);
	const image = await decode(file);
	try {
		if (image.width * image.height > PHOTO_SOURCE_MAX_PIXELS) {
			throw new PhotoError(`“${file.name}” tem resolução alta demais para uma foto.`);
		}
		const size = fitWithin(image.width, image.height, PHOTO_LONG_EDGE);
		const encode = drawScaled(image.source, size.width, size.height);
		let blob = await encode(PHOTO_QUALITY);
		if (blob.size > PHOTO_UPLOAD_BUDGET_BYTES) blob = await encode(PHOTO_QUALITY_FALLBACK);
		return {
			file: new File([blob], name, { type: 'image/jpeg', lastModified: Date.now() }),
			width: size.width,
			height: size.height,
			sourceBytes: file.size
		};
	} finally {
		image.close();
	}
}

interface Decoded {
	source: CanvasImageSource;
	width: number;
	height: number;
	close: () => void;
}

async function decode(file: File): Promise<Decoded> {
	if (typeof createImageBitmap === 'function') {
		try {
			const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
			return { source: bitmap, width: bitmap.width, height: bitmap.height, close: () => bitmap.close() };
		} catch {
			// Some browsers decode more formats through <img> (Safari and HEIC).
		}
	}
	const url = URL.createObjectURL(file);
	const img = new Image();
	img.src = url;
	try {
		await img.decode();
	} catch {
		URL.revokeObjectURL(url);
		throw new PhotoError(`Não foi possível abrir “${file.name}”. Escolha uma foto JPEG, PNG ou WebP.`);
	}
	// <img> and drawImage apply the EXIF orientation themselves.
	return { source: img, width: img.naturalWidth, height: img.naturalHeight, close: () => URL.revokeObjectURL(url) };
}

/** Draws `source` at `width`×`height` once; the result encodes as JPEG at any quality. */
function drawScaled(source: CanvasImageSource, width: number, height: number): (quality: number) => Promise<Blob> {
	// OffscreenCanvas where there is one: it encodes without a DOM element.
	if (typeof OffscreenCanvas === 'function') {
		const canvas = new OffscreenCanvas(width, height);
		draw(canvas.getContext('2d'), source, width, height);
		return async (quality) => checked(await canvas.convertToBlob({ type: 'image/jpeg', quality }));
	}
	const canvas = Object.assign(document.createElement('canvas'), { width, height });
	draw(canvas.getContext('2d'), source, width, height);
	return async (quality) =>
		checked(await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality)));
}

function draw(
	ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null,
	source: CanvasImageSource,
	width: number,
	height: number
): void {
	if (!ctx) throw new PhotoError('Este navegador não consegue preparar fotos. Atualize o navegador e tente de novo.');
	// JPEG has no transparency: a PNG's transparent parts become white, not black.
	ctx.fillStyle = '#ffffff';
	ctx.fillRect(0, 0, width, height);
	ctx.imageSmoothingEnabled = true;
	ctx.imageSmoothingQuality = 'high';
	ctx.drawImage(source, 0, 0, width, height);
}

function checked(blob: Blob | null): Blob {
	if (!blob || blob.type !== 'image/jpeg') throw new PhotoError('Não foi possível preparar a foto. Tente de novo.');
	return blob;
}
