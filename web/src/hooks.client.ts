import type { HandleClientError } from '@sveltejs/kit';

// An unknown address is an ordinary 404 page, not an error worth logging;
// anything else is logged for whoever opens the console, and the page shows
// a Portuguese message.
export const handleError: HandleClientError = ({ error, status }) => {
	if (status === 404) return { message: 'Página não encontrada' };
	console.error(error);
	return { message: 'Algo deu errado. Recarregue a página e tente de novo.' };
};
