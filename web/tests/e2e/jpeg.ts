// Just enough JPEG to build and inspect photo fixtures: plant an EXIF block
// (orientation, camera make, GPS position) in a JPEG, and read back a JPEG's
// size and metadata segments. Plain Uint8Array code, so the same file runs
// in Node (Playwright specs) and in Chromium (bench/web/photos.mjs).

/** The camera make planted in fixtures: finding it in an output means metadata leaked. */
export const FIXTURE_MAKE = 'RekanTestCam';

export interface ExifFixture {
	/** EXIF orientation 1-8 (6: the camera was turned, rotate 90° clockwise to view). */
	orientation: number;
	/** Decimal degrees; negative is south / west. */
	latitude: number;
	longitude: number;
}

/** `jpeg` with an APP1 EXIF segment inserted after SOI (and after a JFIF APP0, if any). */
export function withExif(jpeg: Uint8Array, exif: ExifFixture): Uint8Array {
	if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('withExif: not a JPEG');
	const tiff = exifTIFF(exif);
	const header = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
	const length = 2 + header.length + tiff.length;
	const app1 = new Uint8Array(4 + header.length + tiff.length);
	app1.set([0xff, 0xe1, length >> 8, length & 0xff, ...header]);
	app1.set(tiff, 4 + header.length);
	let at = 2;
	if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + ((jpeg[4] << 8) | jpeg[5]);
	const out = new Uint8Array(jpeg.length + app1.length);
	out.set(jpeg.subarray(0, at));
	out.set(app1, at);
	out.set(jpeg.subarray(at), at + app1.length);
	return out;
}

// A little-endian TIFF block: IFD0 (Make, Orientation, GPS pointer) and a
// GPS IFD (latitude and longitude as degrees/minutes/seconds).
function exifTIFF({ orientation, latitude, longitude }: ExifFixture): Uint8Array {
	const make = new TextEncoder().encode(FIXTURE_MAKE + '\0');
	const ifd0 = 8;
	const makeAt = ifd0 + 2 + 3 * 12 + 4;
	const gpsAt = makeAt + make.length + (make.length % 2);
	const latAt = gpsAt + 2 + 4 * 12 + 4;
	const lonAt = latAt + 24;
	const buf = new Uint8Array(lonAt + 24);
	const view = new DataView(buf.buffer);
	buf.set([0x49, 0x49, 0x2a, 0x00]); // "II", 42
	view.setUint32(4, ifd0, true);

	const entry = (at: number, tag: number, type: number, count: number, value: number, short = false) => {
		view.setUint16(at, tag, true);
		view.setUint16(at + 2, type, true);
		view.setUint32(at + 4, count, true);
		if (short) view.setUint16(at + 8, value, true);
		else view.setUint32(at + 8, value, true);
	};
	const ASCII = 2;
	const SHORT = 3;
	const LONG = 4;
	const RATIONAL = 5;

	view.setUint16(ifd0, 3, true);
	entry(ifd0 + 2, 0x010f, ASCII, make.length, makeAt); // Make
	entry(ifd0 + 14, 0x0112, SHORT, 1, orientation, true); // Orientation
	entry(ifd0 + 26, 0x8825, LONG, 1, gpsAt); // GPSInfo
	buf.set(make, makeAt);

	const ref = (c: string) => c.charCodeAt(0); // a 2-byte ASCII value fits inline
	view.setUint16(gpsAt, 4, true);
	entry(gpsAt + 2, 0x0001, ASCII, 2, ref(latitude < 0 ? 'S' : 'N'));
	entry(gpsAt + 14, 0x0002, RATIONAL, 3, latAt);
	entry(gpsAt + 26, 0x0003, ASCII, 2, ref(longitude < 0 ? 'W' : 'E'));
	entry(gpsAt + 38, 0x0004, RATIONAL, 3, lonAt);
	const dms = (at: number, degrees: number) => {
		const abs = Math.abs(degrees);
		const d = Math.floor(abs);
		const m = Math.floor((abs - d) * 60);
		const s = Math.round(((abs - d) * 60 - m) * 60 * 100);
		for (const [i, [num, den]] of [
			[d, 1],
			[m, 1],
			[s, 100]
		].entries()) {
			view.setUint32(at + i * 8, num, true);
			view.setUint32(at + i * 8 + 4, den, true);
		}
	};
	dms(latAt, latitude);
	dms(lonAt, longitude);
	return buf;
}

export interface JPEGInfo {
	width: number;
	height: number;
	/** Markers of the segments before the image data, e.g. 0xe0 (JFIF), 0xe1 (EXIF/XMP), 0xdb… */
	markers: number[];
	/** Whether an APP1 "Exif" segment is present. */
	exif: boolean;
}

/** Size and header segments of a JPEG; throws on anything else. */
export function inspectJPEG(bytes: Uint8Array): JPEGInfo {
	if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('inspectJPEG: not a JPEG (no SOI)');
	const markers: number[] = [];
	let width = 0;
	let height = 0;
	let exif = false;
	let at = 2;
	while (at + 4 <= bytes.length) {
		if (bytes[at] !== 0xff) throw new Error(`inspectJPEG: bad marker at ${at}`);
		const marker = bytes[at + 1];
		if (marker === 0xff) {
			at += 1; // fill byte
			continue;
		}
		if (marker === 0xda) break; // start of scan: the header is over
		const length = (bytes[at + 2] << 8) | bytes[at + 3];
		markers.push(marker);
		const isSOF = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isSOF) {
			height = (bytes[at + 5] << 8) | bytes[at + 6];
			width = (bytes[at + 7] << 8) | bytes[at + 8];
		}
		if (marker === 0xe1 && String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === 'Exif') exif = true;
		at += 2 + length;
	}
	if (!width || !height) throw new Error('inspectJPEG: no frame header');
	return { width, height, markers, exif };
}

/** Whether `needle` (ASCII) occurs anywhere in `bytes`. */
export function containsASCII(bytes: Uint8Array, needle: string): boolean {
	const n = new TextEncoder().encode(needle);
	outer: for (let i = 0; i + n.length <= bytes.length; i++) {
		for (let j = 0; j < n.length; j++) if (bytes[i + j] !== n[j]) continue outer;
		return true;
	}
	return false;
}
