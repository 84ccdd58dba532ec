// The stack the journey runs against, shared between globalSetup (which
// starts it) and the tests (which read it from the environment).

export interface Operator {
	email: string;
	password: string;
}

export interface Stack {
	baseURL: string;
	fakeLLM: string;
	operators: [Operator, Operator];
	/** A second server without an LLM key (same operators), when the setup started one. */
	unconfiguredURL?: string;
	/** A superuser of the main server, when the setup created one (to seed data no operator can create). */
	superuser?: Operator;
	/**
	 * A third server whose clock is frozen (REKAN_TEST_NOW) on mondayToday, a
	 * Monday, with the same operators and superuser, for the agenda.
	 */
	mondayURL?: string;
	mondayToday?: string;
	mondaySuperuser?: Operator;
}

const ENV = 'REKAN_E2E_STACK';

export function publishStack(stack: Stack): void {
	process.env[ENV] = JSON.stringify(stack);
}

export function readStack(): Stack {
	const raw = process.env[ENV];
	if (!raw) throw new Error(`${ENV} is not set: run the tests through playwright (globalSetup starts the stack)`);
	return JSON.parse(raw) as Stack;
}
