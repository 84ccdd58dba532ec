// Starts the real stack for the journey with bin/stack (eval/cmd/stack: the
// command form of the Go package eval/stack that the Go tests and benchmarks
// start the stack with): the fake LLM, bin/api (PocketBase + the BAML
// runtime it supervises) serving web/build with two operators and a
// superuser created with the server's CLI, and a second server without an
// LLM key. Each on free loopback ports with throw-away data. It builds
// nothing: `make e2e-web` builds bin/api, bin/stack and web/build first.
//
// To run the same tests against a stack started elsewhere with bin/stack
// (e.g. behind Caddy), set REKAN_E2E_BASE_URL and REKAN_E2E_STACK_JSON (see
// useExternalStack).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishStack, type Operator } from './stack';

const here = dirname(fileURLToPath(import.meta.url));
const web = resolve(here, '../..');
const root = process.env.REKAN_ROOT ?? resolve(web, '..');

/** What bin/stack prints once its stack is ready (stack.Info in Go). */
interface StackInfo {
	url: string;
	fake_url?: string;
	operators: Operator[];
	superuser?: Operator;
}

export default async function globalSetup(): Promise<() => Promise<void>> {
	if (process.env.REKAN_E2E_BASE_URL) return useExternalStack();

	const apiBin = process.env.REKAN_E2E_API_BIN ?? join(root, 'bin/api');
	const stackBin = process.env.REKAN_E2E_STACK_BIN ?? join(root, 'bin/stack');
	const bamlCli = process.env.REKAN_BAML_CLI ?? join(root, 'eval/node_modules/.bin/baml-cli');
	for (const [path, how] of [
		[apiBin, 'make build-api'],
		[stackBin, 'make build-stack'],
		[bamlCli, 'make deps'],
		[join(web, 'build/200.html'), 'make build-web']
	]) {
		if (!existsSync(path)) throw new Error(`e2e: ${path} is missing; run \`${how}\` first`);
	}

	const tmp = mkdtempSync(join(tmpdir(), 'rekan-e2e-'));
	const logs = join(tmp, 'logs');
	mkdirSync(logs);
	const children: ChildProcess[] = [];
	const stop = async () => {
		await Promise.all(children.map(terminate));
		// Keep the server logs next to Playwright's results for post-mortems.
		const keep = join(web, 'test-results', 'stack-logs');
		mkdirSync(keep, { recursive: true });
		cpSync(logs, keep, { recursive: true });
		rmSync(tmp, { recursive: true, force: true });
	};
	process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));

	// The servers get only what bin/stack gives them, never the caller's
	// REKAN_* values or a .env from the checkout.
	const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmp };
	const common = [
		`-api=${apiBin}`,
		`-baml-cli=${bamlCli}`,
		`-web=${join(web, 'build')}`,
		'-env=REKAN_APP_NAME=Rekan',
		'-env=REKAN_CONTACT_PHONE=5511987654321'
	];
	const start = (name: string, args: string[]) => {
		const dir = join(tmp, name);
		mkdirSync(dir);
		const started = startStack(stackBin, [...common, `-dir=${dir}`, `-log=${join(logs, `${name}.log`)}`, ...args], env, join(logs, `${name}.stack.log`));
		children.push(started.child);
		return started.info;
	};
	try {
		// Posts are created only by the server (or a superuser): seeding a long
		// history for the pagination test needs one.
		// It trusts X-Forwarded-For as behind Caddy, so a spec that generates
		// a lot can be a client address of its own (ownClient in fixtures.ts)
		// and not spend the per-IP generation limit of the specs after it.
		const mainInfo = start('api', ['-operator=ana', '-operator=bruno', '-superuser=root', '-env=REKAN_TRUSTED_PROXY_HEADERS=X-Forwarded-For']);
		const main = await mainInfo;
		const [ana, bruno] = main.operators;
		// A second instance without an LLM key, for the "not configured" state.
		const bare = await start('api-no-llm', ['-no-llm', `-operator=${ana.email}:${ana.password}`]);
		// A third one frozen on a Monday, for the agenda's buckets (the others
		// run on the real clock); noon in São Paulo.
		const mondayToday = '2026-04-20';
		const monday = await start('api-monday', [
			`-operator=${ana.email}:${ana.password}`,
			'-superuser=root',
			`-env=REKAN_TEST_NOW=test-only:${mondayToday}T15:00:00Z`
		]);
		publishStack({
			baseURL: main.url,
			fakeLLM: main.fake_url!,
			operators: [ana, bruno],
			unconfiguredURL: bare.url,
			superuser: main.superuser,
			mondayURL: monday.url,
			mondayToday,
			mondaySuperuser: monday.superuser
		});
		return stop;
	} catch (err) {
		await stop();
		throw err;
	}
}

/**
 * Runs bin/stack with -stdin (it stops when this process goes away) and
 * resolves with the JSON line it prints once everything answers. bin/stack
 * bounds every wait itself and exits on failure, so there is no timeout
 * here: its exit rejects, with its output.
 */
function startStack(bin: string, args: string[], env: NodeJS.ProcessEnv, log: string): { child: ChildProcess; info: Promise<StackInfo> } {
	const child = spawn(bin, ['-stdin', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
	const out = createWriteStream(log);
	child.stderr?.pipe(out);
	const info = new Promise<StackInfo>((resolveInfo, reject) => {
		let buffered = '';
		let settled = false;
		const fail = (why: string) => {
			if (settled) return;
			settled = true;
			out.end(() => reject(new Error(`e2e: bin/stack ${why}; output: ${readFileSync(log, 'utf8')}`)));
		};
		child.stdout?.on('data', (chunk: Buffer) => {
			buffered += chunk.toString();
			const end = buffered.indexOf('\n');
			if (end < 0 || settled) return;
			settled = true;
			resolveInfo(JSON.parse(buffered.slice(0, end)) as StackInfo);
		});
		child.once('exit', (code) => fail(`exited with ${code} before the stack was ready`));
		child.once('error', (err) => fail(`did not start: ${err.message}`));
	});
	return { child, info };
}

/**
 * A stack started elsewhere (nix/checks/caddy.sh: bin/stack behind Caddy):
 * REKAN_E2E_STACK_JSON names the file bin/stack -json wrote once it was
 * ready; REKAN_E2E_BASE_URL the URL to test through (e.g. a Caddy site).
 */
async function useExternalStack(): Promise<() => Promise<void>> {
	const file = process.env.REKAN_E2E_STACK_JSON;
	if (!file) throw new Error('e2e: REKAN_E2E_STACK_JSON must name the JSON file of the bin/stack serving REKAN_E2E_BASE_URL');
	const info = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
	if (!info.fake_url) throw new Error(`e2e: the stack of ${file} has no fake LLM`);
	if (info.operators.length < 2) throw new Error('e2e: two operators are needed');
	const baseURL = process.env.REKAN_E2E_BASE_URL!.replace(/\/$/, '');
	publishStack({ baseURL, fakeLLM: info.fake_url, operators: [info.operators[0], info.operators[1]] });
	return async () => {};
}

async function terminate(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((r) => child.once('exit', () => r()));
	child.kill('SIGTERM');
	// bin/stack lets the server drain (stack.StopGrace) before it kills
	// the tree; killing bin/stack first would orphan the server.
	const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
	await exited;
	clearTimeout(timer);
}
