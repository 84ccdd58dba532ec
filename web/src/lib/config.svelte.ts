// Per-instance settings read at run time from GET /api/rekan/config, so one
// build serves every instance. Deliberately free of the PocketBase SDK: the
// landing page uses it and must stay light.
import { DEFAULT_APP_NAME, DEFAULT_TIME_ZONE, type RuntimeConfig } from './facts.gen';

const DEFAULTS: RuntimeConfig = {
	app_name: DEFAULT_APP_NAME,
	llm_configured: true,
	contact_phone: '',
	version: '',
	timezone: DEFAULT_TIME_ZONE,
	today: ''
};

class ConfigState {
	value = $state<RuntimeConfig>({ ...DEFAULTS });
	loaded = $state(false);
	#pending: Promise<void> | null = null;

	/** Loads the config once; later calls share the first request. */
	load(fetcher: typeof fetch = fetch): Promise<void> {
		this.#pending ??= this.#fetch(fetcher);
		return this.#pending;
	}

	async #fetch(fetcher: typeof fetch): Promise<void> {
		try {
			const res = await fetcher('/api/rekan/config', { headers: { accept: 'application/json' } });
			if (!res.ok) throw new Error(`config: HTTP ${res.status}`);
			this.value = parseConfig(await res.json());
			this.loaded = true;
		} catch {
			// Keep the defaults; allow a later page to try again.
			this.#pending = null;
		}
	}
}

/** Accepts only the expected fields with the expected types. */
export function parseConfig(raw: unknown): RuntimeConfig {
	const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
	return {
		app_name: typeof r.app_name === 'string' && r.app_name.trim() !== '' ? r.app_name : DEFAULTS.app_name,
		llm_configured: typeof r.llm_configured === 'boolean' ? r.llm_configured : DEFAULTS.llm_configured,
		contact_phone: typeof r.contact_phone === 'string' ? r.contact_phone.replace(/\D/g, '') : '',
		version: typeof r.version === 'string' ? r.version : '',
		timezone: typeof r.timezone === 'string' && r.timezone !== '' ? r.timezone : DEFAULTS.timezone,
		today: typeof r.today === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(r.today) ? r.today : ''
	};
}

export const config = new ConfigState();
