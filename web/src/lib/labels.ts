// Portuguese labels for the values the server stores as slugs.

import { POST_STAGES, ROLE_LABELS, STAGE_LABELS } from './facts.gen';

const ROLES: Record<string, string> = ROLE_LABELS;

/** "bastidores" → "Bastidores"; unknown roles are shown capitalised. */
export function roleLabel(role: string): string {
	if (!role) return '';
	return ROLES[role] ?? role.charAt(0).toUpperCase() + role.slice(1);
}

const STAGES: Record<string, string> = STAGE_LABELS;

/** The stages in journey order, for filters. */
export const STAGE_ORDER = POST_STAGES;

/** "ajuste" → "Ajuste pedido": the server's label, capitalised to stand alone. */
export function stageLabel(stage: string): string {
	const label = STAGES[stage];
	return label ? label.charAt(0).toUpperCase() + label.slice(1) : stage;
}
