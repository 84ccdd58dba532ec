// A stand-in for a phone photo, painted in the browser: a lit background,
// out-of-focus blobs, a sharp subject with edges, and sensor grain, encoded
// as JPEG like a camera does (quality 0.92). Its JPEG weighs what a phone
// photo of that size weighs (about 4 MB at 12 MP), so scaling times and
// output sizes mean something. Used by tests/e2e/photos.spec.ts (through
// page.evaluate, hence self-contained: no imports, no outer names) and by
// bench/web/photos.mjs.

export interface PaintOptions {
	width: number;
	height: number;
	seed: number;
	/** Grain amplitude, 0-255 (default 10; cameras at indoor light give about that). */
	grain?: number;
}

/** Paints the photo and returns its JPEG as base64 (page.evaluate can return strings). */
export async function paintPhoto({ width, height, seed, grain = 10 }: PaintOptions): Promise<string> {
	let state = seed >>> 0 || 1;
	const rnd = () => {
		state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
		return state / 4294967296;
	};
	const canvas = new OffscreenCanvas(width, height);
	const ctx = canvas.getContext('2d');
	if (!ctx) throw new Error('paintPhoto: no 2d context');
	const hue = Math.floor(rnd() * 360);
	const light = ctx.createLinearGradient(0, 0, width * 0.3, height);
	light.addColorStop(0, `hsl(${hue} 45% 82%)`);
	light.addColorStop(1, `hsl(${(hue + 40) % 360} 35% 30%)`);
	ctx.fillStyle = light;
	ctx.fillRect(0, 0, width, height);
	const long = Math.max(width, height);
	// Background: soft, out of focus.
	for (let i = 0; i < 40; i++) {
		const x = rnd() * width;
		const y = rnd() * height;
		const r = long * (0.05 + rnd() * 0.2);
		const blob = ctx.createRadialGradient(x, y, 0, x, y, r);
		blob.addColorStop(0, `hsl(${Math.floor(rnd() * 360)} 50% ${30 + rnd() * 50}% / 0.7)`);
		blob.addColorStop(1, 'hsl(0 0% 50% / 0)');
		ctx.fillStyle = blob;
		ctx.fillRect(x - r, y - r, 2 * r, 2 * r);
	}
	// Subject: sharp shapes and fine lines (a cake's decoration, a shop shelf).
	for (let i = 0; i < 300; i++) {
		ctx.fillStyle = `hsl(${Math.floor(rnd() * 360)} ${40 + rnd() * 40}% ${25 + rnd() * 60}%)`;
		ctx.beginPath();
		ctx.ellipse(
			width * (0.25 + rnd() * 0.5),
			height * (0.25 + rnd() * 0.5),
			long * (0.003 + rnd() * 0.03),
			long * (0.003 + rnd() * 0.03),
			rnd() * Math.PI,
			0,
			2 * Math.PI
		);
		ctx.fill();
	}
	ctx.lineWidth = Math.max(1, long / 1500);
	for (let i = 0; i < 400; i++) {
		ctx.strokeStyle = `hsl(${Math.floor(rnd() * 360)} 30% ${rnd() * 100}% / 0.8)`;
		ctx.beginPath();
		ctx.moveTo(rnd() * width, rnd() * height);
		ctx.lineTo(rnd() * width, rnd() * height);
		ctx.stroke();
	}
	// Sensor grain, in horizontal bands to bound the memory of one ImageData.
	if (grain > 0) {
		const band = 256;
		for (let y = 0; y < height; y += band) {
			const h = Math.min(band, height - y);
			const img = ctx.getImageData(0, y, width, h);
			const px = img.data;
			for (let i = 0; i < px.length; i += 4) {
				const n = (rnd() - 0.5) * 2 * grain;
				px[i] += n;
				px[i + 1] += n;
				px[i + 2] += n;
			}
			ctx.putImageData(img, 0, y);
		}
	}
	const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 })).arrayBuffer());
	let binary = '';
	for (let i = 0; i < jpeg.length; i += 0x8000) binary += String.fromCharCode(...jpeg.subarray(i, i + 0x8000));
	return btoa(binary);
}
