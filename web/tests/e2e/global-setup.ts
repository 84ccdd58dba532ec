// Starts the real stack for the journey: bin/fakellm as the LLM provider and
// bin/api (PocketBase + the BAML runtime it supervises) serving web/build,
// each on a free loopback port with a throw-away data directory, plus two
// operators created with the server's CLI. It builds nothing: `make e2e-web`
// builds bin/api, bin/fakellm and web/build first.
//
// To run the same tests against a stack started elsewhere (e.g. behind
// Caddy), set REKAN_E2E_BASE_URL and REKAN_E2E_FAKELLM_URL, plus either
// REKAN_E2E_DATA_DIR (the server's --dir; operators are then created with
// bin/api, or REKAN_E2E_API_BIN) or REKAN_E2E_OPERATORS="a@x.com:pw1 b@x.com:pw2".
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, cpSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeLLM } from './fakellm';
import { publishStack, type Operator } from './stack';

const here = dirname(fileURLToPath(import.meta.url));
const web = resolve(here, '../..');
const root = process.env.REKAN_ROOT ?? resolve(web, '..');

export default async function globalSetup(): Promise<() => Promise<void>> {
	if (process.env.REKAN_E2E_BASE_URL) return useExternalStack();

	const apiBin = process.env.REKAN_E2E_API_BIN ?? join(root, 'bin/api');
	const fakeBin = process.env.REKAN_E2E_FAKELLM_BIN ?? join(root, 'bin/fakellm');
	const bamlCli = process.env.REKAN_BAML_CLI ?? join(root, 'eval/node_modules/.bin/baml-cli');
	for (const [path, how] of [
		[apiBin, 'make build-api'],
		[fakeBin, 'make build-fakellm'],
		[bamlCli, 'make deps'],
		[join(web, 'build/200.html'), 'make build-web']
	]) {
		if (!existsSync(path)) throw new Error(`e2e: ${path} is missing; run \`${how}\` first`);
	}

	const tmp = mkdtempSync(join(tmpdir(), 'rekan-e2e-'));
	const dataDir = join(tmp, 'pb_data');
	const logs = join(tmp, 'logs');
	mkdirSync(logs);
	const children: ChildProcess[] = [];
	const stop = async () => {
		await Promise.all(children.reverse().map(terminate));
		// Keep the server logs next to Playwright's results for post-mortems.
		const keep = join(web, 'test-results', 'stack-logs');
		mkdirSync(keep, { recursive: true });
		cpSync(logs, keep, { recursive: true });
		rmSync(tmp, { recursive: true, force: true });
	};
	process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));

	try {
		// The server gets only what it needs, never the caller's REKAN_* values
		// or a .env from the checkout (its working directory is the temp dir).
		const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmp };

		const fake = await startFakeLLM(fakeBin, logs, baseEnv);
		children.push(fake.child);
		const fakeLLM = fake.url;

		const operators: [Operator, Operator] = [newOperator('ana'), newOperator('bruno')];
		for (const op of operators) {
			execFileSync(apiBin, ['operator', 'add', op.email, op.password, `--dir=${dataDir}`], {
				cwd: tmp,
				env: baseEnv,
				stdio: 'pipe'
			});
		}

		// Posts are created only by the server (or a superuser): seeding a long
		// history for the pagination test needs one.
		const superuser = newOperator('root');
		execFileSync(apiBin, ['superuser', 'upsert', superuser.email, superuser.password, `--dir=${dataDir}`], {
			cwd: tmp,
			env: baseEnv,
			stdio: 'pipe'
		});

		const serverEnv = {
			...baseEnv,
			REKAN_WEB_DIR: join(web, 'build'),
			REKAN_BAML_CLI: bamlCli,
			REKAN_APP_NAME: 'Rekan',
			REKAN_CONTACT_PHONE: '5511987654321'
		};
		const startServer = async (name: string, dir: string, env: Record<string, string>) => {
			const port = await freePort();
			const url = `http://127.0.0.1:${port}`;
			const api = spawn(apiBin, ['serve', `--http=127.0.0.1:${port}`, `--dir=${dir}`], { cwd: tmp, env });
			children.push(api);
			pipeLogs(api, join(logs, `${name}.log`));
			return { url, api };
		};

		const main = await startServer('api', dataDir, {
			...serverEnv,
			REKAN_LLM_BASE_URL: `${fakeLLM}/v1`,
			REKAN_LLM_API_KEY: 'test',
			REKAN_WRITER_MODEL: 'fake-writer'
		});
		// A second instance without an LLM key, for the "not configured" state.
		const bareDir = join(tmp, 'pb_data_no_llm');
		execFileSync(apiBin, ['operator', 'add', operators[0].email, operators[0].password, `--dir=${bareDir}`], {
			cwd: tmp,
			env: baseEnv,
			stdio: 'pipe'
		});
		const bare = await startServer('api-no-llm', bareDir, serverEnv);
		// A third one frozen on a Monday, for the agenda's buckets (the others
		// run on the real clock).
		const mondayDir = join(tmp, 'pb_data_monday');
		const mondayToday = '2026-04-20';
		for (const args of [
			['operator', 'add', operators[0].email, operators[0].password],
			['superuser', 'upsert', superuser.email, superuser.password]
		]) {
			execFileSync(apiBin, [...args, `--dir=${mondayDir}`], { cwd: tmp, env: baseEnv, stdio: 'pipe' });
		}
		const monday = await startServer('api-monday', mondayDir, {
			...serverEnv,
			REKAN_LLM_BASE_URL: `${fakeLLM}/v1`,
			REKAN_LLM_API_KEY: 'test',
			REKAN_WRITER_MODEL: 'fake-writer',
			// Noon in São Paulo.
			REKAN_TEST_NOW: `test-only:${mondayToday}T15:00:00Z`
		});
		await waitHealthy(main.url, main.api, 90_000);
		await waitHealthy(bare.url, bare.api, 90_000);
		await waitHealthy(monday.url, monday.api, 90_000);

		publishStack({ baseURL: main.url, fakeLLM, operators, unconfiguredURL: bare.url, superuser, mondayURL: monday.url, mondayToday });
		return stop;
	} catch (err) {
		await stop();
		throw err;
	}
}

async function useExternalStack(): Promise<() => Promise<void>> {
	const baseURL = process.env.REKAN_E2E_BASE_URL!.replace(/\/$/, '');
	const fakeLLM = process.env.REKAN_E2E_FAKELLM_URL?.replace(/\/$/, '');
	if (!fakeLLM) throw new Error('e2e: REKAN_E2E_FAKELLM_URL must point at the fakellm the server uses');
	let operators: Operator[];
	if (process.env.REKAN_E2E_OPERATORS) {
		operators = process.env.REKAN_E2E_OPERATORS.trim()
			.split(/\s+/)
			.map((pair) => {
				const i = pair.indexOf(':');
				return { email: pair.slice(0, i), password: pair.slice(i + 1) };
			});
	} else if (process.env.REKAN_E2E_DATA_DIR) {
		const apiBin = process.env.REKAN_E2E_API_BIN ?? join(root, 'bin/api');
		operators = [newOperator('ana'), newOperator('bruno')];
		for (const op of operators) {
			execFileSync(apiBin, ['operator', 'add', op.email, op.password, `--dir=${process.env.REKAN_E2E_DATA_DIR}`], {
				stdio: 'pipe'
			});
		}
	} else {
		throw new Error('e2e: set REKAN_E2E_DATA_DIR or REKAN_E2E_OPERATORS along with REKAN_E2E_BASE_URL');
	}
	if (operators.length < 2) throw new Error('e2e: two operators are needed');
	await waitHealthy(baseURL, null, 30_000);
	publishStack({ baseURL, fakeLLM, operators: [operators[0], operators[1]] });
	return async () => {};
}

function newOperator(name: string): Operator {
	const id = randomBytes(4).toString('hex');
	// base64url can start with "-", which the CLI would read as a flag: the
	// setup then ran without the account (a flaky test, never a clear error).
	return { email: `${name}.${id}@example.com`, password: `pw${randomBytes(12).toString('base64url')}` };
}

function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolvePort(port));
		});
	});
}

function pipeLogs(child: ChildProcess, file: string) {
	const out = createWriteStream(file);
	child.stdout?.pipe(out);
	child.stderr?.pipe(out);
}

/** Waits until /api/rekan/health answers 200 (database and BAML runtime up). */
async function waitHealthy(baseURL: string, child: ChildProcess | null, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = '';
	while (Date.now() < deadline) {
		if (child && child.exitCode !== null) throw new Error(`e2e: bin/api exited with ${child.exitCode}`);
		try {
			const res = await fetch(`${baseURL}/api/rekan/health`);
			last = `${res.status} ${await res.text()}`;
			if (res.ok) return;
		} catch (err) {
			last = String(err);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`e2e: ${baseURL} not healthy within ${timeoutMs} ms (last: ${last})`);
}

async function terminate(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((r) => child.once('exit', () => r()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
	await exited;
	clearTimeout(timer);
}
