// Prerendered as an empty shell (served as aprovar.html with the approval
// headers); the posts load in the browser with the token from the fragment.
export const ssr = true;
