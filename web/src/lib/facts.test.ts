// One place per fact (issue 19): the values the server owns (post statuses
// and stages, approval decisions and states, batch statuses, agenda
// buckets, check severities, roles, idea types, editable fields, error
// codes) are spelled only in facts.gen.ts, generated from the Go constants;
// the rest of web/src names them (POST_STATUS.failed, ERROR_CODES.llmFailed).
// This scan fails when a quoted copy comes back.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
	AGENDA_BUCKETS,
	APPROVAL_DECISIONS,
	APPROVAL_STATES,
	BATCH_STATUSES,
	CHECK_SEVERITIES,
	EDITABLE_FIELDS,
	ERROR_CODES,
	IDEA_TYPES,
	POST_STAGES,
	POST_STATUSES,
	ROLES
} from './facts.gen';

const FACT_VALUES: ReadonlySet<string> = new Set([
	...POST_STATUSES,
	...POST_STAGES,
	...APPROVAL_DECISIONS,
	...APPROVAL_STATES,
	...BATCH_STATUSES,
	...AGENDA_BUCKETS,
	...CHECK_SEVERITIES,
	...ROLES,
	...IDEA_TYPES,
	...EDITABLE_FIELDS,
	...Object.values(ERROR_CODES)
]);

// Words that are a fact's value by coincidence, where they are something
// else: Portuguese text the operator reads, or a notice's tone. Keyed by
// file under web/src; everything else is a copy of a fact.
const COINCIDENCES: Record<string, string[]> = {
	'lib/components/ProblemNotice.svelte': ['warning', 'error'], // the notice's tone (a CSS class), not a check's severity
	'routes/app/clientes/[id]/PhotoPicker.svelte': ['foto'], // "1 foto" / "2 fotos"
	'lib/format.ts': ['hoje'], // "hoje" as the operator reads a date
	'lib/format.test.ts': ['hoje'],
	'lib/approval.ts': ['hoje'],
	'lib/approval.test.ts': ['hoje']
};

/** Drops comments, so prose may name a value ("ajuste" → "Ajuste pedido"). */
function stripComments(source: string): string {
	return source
		.replace(/\/\*[\s\S]*?\*\//g, '')
		.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/**
 * The fact values `source` spells in quotes. A double-quoted value right
 * after `name=` is a markup attribute (class="failed"), not a copy.
 */
export function quotedFacts(source: string, values: ReadonlySet<string> = FACT_VALUES): string[] {
	const found: string[] = [];
	for (const m of stripComments(source).matchAll(/([\w-]=)?(['"`])([a-z0-9_]+)\2/g)) {
		const [, attribute, quote, value] = m;
		if (!values.has(value)) continue;
		if (quote === '"' && attribute) continue;
		found.push(value);
	}
	return found;
}

const SELF = 'lib/facts.test.ts';

function sources(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const path = join(dir, e.name);
		if (e.isDirectory()) return sources(path);
		return /\.(ts|svelte)$/.test(e.name) && !/\.gen\.ts$/.test(e.name) ? [path] : [];
	});
}

describe('facts', () => {
	it('finds a quoted status, code or stage, and leaves names and attributes alone', () => {
		expect(quotedFacts(`if (post.status === 'failed' || code === "llm_failed") move(\`aprovado\`);`)).toEqual([
			'failed',
			'llm_failed',
			'aprovado'
		]);
		expect(quotedFacts(`<ul class="failed">{#if post.status === POST_STATUS.failed}`)).toEqual([]);
		expect(quotedFacts(`// "ajuste" → "Ajuste pedido"\nconst x = 1; /* 'failed' */`)).toEqual([]);
	});

	it('are spelled only in the generated files under web/src', () => {
		const root = fileURLToPath(new URL('..', import.meta.url));
		const files = sources(root);
		expect(files.length).toBeGreaterThan(50);
		const copies: string[] = [];
		for (const file of files) {
			const name = relative(root, file);
			if (name === SELF) continue; // the scanner's own samples above
			const allowed = COINCIDENCES[name] ?? [];
			for (const value of quotedFacts(readFileSync(file, 'utf8'))) {
				if (!allowed.includes(value)) copies.push(`${name}: '${value}'`);
			}
		}
		expect(copies, 'use the constants of facts.gen.ts instead').toEqual([]);
	});
});
