// startFakeLLM: the one TypeScript way to start bin/fakellm, as
// scripts/fakellm.sh (fakellm_start) does in bash and fakellm.StartProcess
// (eval/fakellm/process.go) in Go: a free loopback port, and the URL read
// from the port file fakellm writes once it accepts connections.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How long the helpers of every language wait for fakellm to listen. */
const START_TIMEOUT_MS = 15_000;

export interface FakeLLM {
	child: ChildProcess;
	/** Base URL, e.g. http://127.0.0.1:41234 (OpenAI clients want url + "/v1"). */
	url: string;
}

/**
 * Starts `bin` with `-port-file dir/fakellm.url`, its output in
 * dir/fakellm.log, and resolves once the file names its URL. Rejects (with
 * the log) when fakellm exits first or does not listen in time; the process
 * is stopped then.
 */
export function startFakeLLM(bin: string, dir: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<FakeLLM> {
	const portFile = join(dir, 'fakellm.url');
	const logFile = join(dir, 'fakellm.log');
	const log = openSync(logFile, 'w');
	const child = spawn(bin, ['-port-file', portFile, ...args], { cwd: dir, env, stdio: ['ignore', log, log] });
	closeSync(log);
	const logText = () => {
		try {
			return readFileSync(logFile, 'utf8');
		} catch {
			return '';
		}
	};
	return new Promise((resolve, reject) => {
		const fail = (why: string) => {
			clearInterval(poll);
			clearTimeout(timer);
			child.kill('SIGKILL');
			reject(new Error(`e2e: fakellm ${why}; output: ${logText()}`));
		};
		const poll = setInterval(() => {
			let url = '';
			try {
				url = readFileSync(portFile, 'utf8').trim();
			} catch {
				return; // not written yet
			}
			if (!url) return;
			clearInterval(poll);
			clearTimeout(timer);
			child.off('exit', onExit);
			resolve({ child, url });
		}, 100);
		const timer = setTimeout(() => fail(`did not write its URL within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
		const onExit = (code: number | null) => fail(`exited with ${code} before listening`);
		child.once('exit', onExit);
		child.once('error', (err) => fail(`did not start: ${err.message}`));
	});
}
