// The operator's session, as reactive state fed by the SDK's auth store.
import { pb, type Operator } from './pocketbase';
import { describeError } from './errors';

class Session {
	operator = $state<Operator | null>(null);
	#verifiedToken = '';

	constructor() {
		pb.authStore.onChange(() => {
			this.operator = pb.authStore.isValid ? (pb.authStore.record as Operator | null) : null;
		}, true);
	}

	/**
	 * Whether there is a usable session. The token is checked locally (present,
	 * not expired) and, once per token, with the server (authRefresh), so a
	 * deleted operator or a revoked token sends the operator to the login page.
	 * When the server cannot be reached the local check is trusted: pages then
	 * show "sem conexão" instead of logging the operator out.
	 */
	async ensure(): Promise<boolean> {
		if (!pb.authStore.isValid) return false;
		if (this.#verifiedToken === pb.authStore.token) return true;
		try {
			await pb.collection('users').authRefresh({ requestKey: null });
			this.#verifiedToken = pb.authStore.token;
			return true;
		} catch (err) {
			if (describeError(err).kind === 'offline') return true;
			pb.authStore.clear();
			return false;
		}
	}

	async login(email: string, password: string): Promise<void> {
		await pb.collection('users').authWithPassword(email, password, { requestKey: null });
		this.#verifiedToken = pb.authStore.token;
	}

	logout(): void {
		this.#verifiedToken = '';
		pb.authStore.clear();
	}
}

export const session = new Session();
