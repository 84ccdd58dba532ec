// Portuguese labels for the values the server stores as slugs.

const ROLES: Record<string, string> = {
	produto: 'Produto',
	bastidores: 'Bastidores',
	historia: 'História',
	dica: 'Dica',
	oferta: 'Oferta',
	comunidade: 'Comunidade'
};

/** "bastidores" → "Bastidores"; unknown roles are shown capitalised. */
export function roleLabel(role: string): string {
	if (!role) return '';
	return ROLES[role] ?? role.charAt(0).toUpperCase() + role.slice(1);
}

const STAGES: Record<string, string> = {
	rascunho: 'Rascunho',
	enviado: 'Enviado ao cliente',
	aprovado: 'Aprovado',
	ajuste: 'Ajuste pedido',
	publicado: 'Publicado',
	arquivado: 'Arquivado'
};

/** The stages in journey order, for filters. */
export const STAGE_ORDER = ['rascunho', 'enviado', 'aprovado', 'ajuste', 'publicado', 'arquivado'] as const;

/** "ajuste" → "Ajuste pedido". */
export function stageLabel(stage: string): string {
	return STAGES[stage] ?? stage;
}
