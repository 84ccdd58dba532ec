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
