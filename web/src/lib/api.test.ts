import { afterEach, describe, expect, it, vi } from 'vitest';
import { generatePosts, updatePost } from './api';
import { pb } from './pocketbase';

afterEach(() => vi.restoreAllMocks());

describe('generatePosts', () => {
	it('sends JSON without photos, as before photos existed', async () => {
		const send = vi.spyOn(pb, 'send').mockResolvedValue({ posts: [] });
		await generatePosts('b1', 'bolo', 2);
		expect(send).toHaveBeenCalledWith('/api/rekan/businesses/b1/posts:generate', {
			method: 'POST',
			body: { brief: 'bolo', count: 2 },
			requestKey: null
		});
	});

	it('sends multipart with one "photos" part per photo, in order', async () => {
		const send = vi.spyOn(pb, 'send').mockResolvedValue({ posts: [{ id: 'p1' }] });
		const photos = [1, 2].map((n) => new File([new Uint8Array([0xff, 0xd8, n])], `foto-${n}.jpg`, { type: 'image/jpeg' }));
		expect(await generatePosts('b1', 'bolo', 1, photos)).toEqual([{ id: 'p1' }]);
		const body = send.mock.calls[0][1]?.body as FormData;
		expect(body).toBeInstanceOf(FormData);
		expect(body.get('brief')).toBe('bolo');
		expect(body.get('count')).toBe('1');
		const sent = body.getAll('photos') as File[];
		expect(sent.map((f) => [f.name, f.type, f.size])).toEqual([
			['foto-1.jpg', 'image/jpeg', 3],
			['foto-2.jpg', 'image/jpeg', 3]
		]);
	});
});

describe('updatePost', () => {
	it('sends a new selection only when photos are removed, and uploads added ones to the post first', async () => {
		const update = vi.fn().mockResolvedValue({ id: 'p1' });
		vi.spyOn(pb, 'collection').mockReturnValue({ update } as unknown as ReturnType<typeof pb.collection>);
		await updatePost('p1', { caption: 'oi' });
		expect(update).toHaveBeenLastCalledWith('p1', { caption: 'oi' }, { expand: 'request' });

		const send = vi.spyOn(pb, 'send').mockResolvedValue({ post: { photos: ['foto_1_abc.jpg', 'foto_2_def.jpg', 'foto_3_new.jpg'] } });
		const added = new File([new Uint8Array([0xff, 0xd8])], 'foto-1.jpg', { type: 'image/jpeg' });
		await updatePost('p1', { caption: 'oi' }, { remove: ['foto_1_abc.jpg'], add: [added] }, ['foto_1_abc.jpg', 'foto_2_def.jpg']);
		expect(send).toHaveBeenCalledWith('/api/rekan/posts/p1:photos', expect.objectContaining({ method: 'POST' }));
		expect(update).toHaveBeenLastCalledWith('p1', { caption: 'oi', photos: ['foto_2_def.jpg', 'foto_3_new.jpg'] }, { expand: 'request' });
	});
});
