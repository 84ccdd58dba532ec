import { describe, expect, it } from 'vitest';
import { canShareFiles, shareFiles, whatsappLink } from './share';

describe('whatsappLink', () => {
	it('opens a chat with the stored number and the text typed in', () => {
		expect(whatsappLink('5519998765432', 'Bolo rosa 💍\n\n#bolo #campinas')).toBe(
			'https://wa.me/5519998765432?text=Bolo%20rosa%20%F0%9F%92%8D%0A%0A%23bolo%20%23campinas'
		);
	});

	it('keeps only digits', () => {
		expect(whatsappLink('+55 (19) 99876-5432', 'oi')).toBe('https://wa.me/5519998765432?text=oi');
	});

	it('has no link without a number', () => {
		expect(whatsappLink('', 'oi')).toBeNull();
		expect(whatsappLink('123', 'oi')).toBeNull();
	});
});

function fakeNavigator(opts: { canShare?: boolean | 'throws'; share?: 'ok' | 'abort' | 'denied' | 'missing' }) {
	const calls: ShareData[] = [];
	const nav = {
		canShare:
			opts.canShare === undefined
				? undefined
				: () => {
						if (opts.canShare === 'throws') throw new TypeError('bad data');
						return opts.canShare;
					},
		share:
			opts.share === 'missing'
				? undefined
				: async (data: ShareData) => {
						calls.push(data);
						if (opts.share === 'abort') throw new DOMException('closed', 'AbortError');
						if (opts.share === 'denied') throw new DOMException('no gesture', 'NotAllowedError');
					}
	};
	return { nav: nav as unknown as Navigator, calls };
}

describe('sharing files', () => {
	const photo = new File([new Uint8Array([0xff, 0xd8])], 'foto-1.jpg', { type: 'image/jpeg' });

	it('shares files and text where the browser can', async () => {
		const { nav, calls } = fakeNavigator({ canShare: true, share: 'ok' });
		expect(canShareFiles([photo], nav)).toBe(true);
		expect(await shareFiles([photo], 'legenda', nav)).toBe('shared');
		expect(calls).toEqual([{ files: [photo], text: 'legenda' }]);
	});

	it('reports unsupported without share, canShare, or when canShare refuses', async () => {
		for (const opts of [
			{ share: 'missing' as const, canShare: true },
			{ share: 'ok' as const },
			{ share: 'ok' as const, canShare: false },
			{ share: 'ok' as const, canShare: 'throws' as const }
		]) {
			const { nav, calls } = fakeNavigator(opts);
			expect(await shareFiles([photo], 'legenda', nav)).toBe('unsupported');
			expect(calls).toEqual([]);
		}
	});

	it('tells a closed sheet apart from one refused for want of a recent tap', async () => {
		expect(await shareFiles([photo], 'x', fakeNavigator({ canShare: true, share: 'abort' }).nav)).toBe('cancelled');
		expect(await shareFiles([photo], 'x', fakeNavigator({ canShare: true, share: 'denied' }).nav)).toBe('blocked');
	});

	it('shares text alone when there are no photos', async () => {
		const { nav, calls } = fakeNavigator({ share: 'ok' });
		expect(await shareFiles([], 'só texto', nav)).toBe('shared');
		expect(calls).toEqual([{ text: 'só texto' }]);
	});
});
