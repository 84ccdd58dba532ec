package checks

import (
	"fmt"
)

// nameWords are the words of the business name worth comparing: at least
// four letters, so "da" or "Lu" never count as a misspelling of anything.
func nameWords(name string) map[string]bool {
	out := map[string]bool{}
	for _, w := range words(name) {
		if len([]rune(w.folded)) >= 3 {
			out[w.folded] = true
		}
	}
	return out
}

// checkBusinessName flags a caption that writes the business's name with a
// letter or two wrong: a caption word near a word of the name (within two
// words of one spelt right), capitalised, one or two edits away. A caption
// that never names the business has nothing to check.
func checkBusinessName(in Input) (bool, Severity, string) {
	name := nameWords(in.Business.Name)
	if len(name) == 0 {
		return true, notApplicable, "O perfil não tem nome para conferir."
	}
	toks := casedWords(publishedWords(in.Post))
	exact := map[int]bool{}
	// Only a capitalised word names the business: "pão de queijo" does
	// not name "Pão da Serra".
	for i, t := range toks {
		if name[t.folded] && t.upper {
			exact[i] = true
		}
	}
	var wrong []string
	for i, t := range toks {
		if exact[i] || !t.upper || len([]rune(t.folded)) < 4 || stopWords[t.folded] {
			continue
		}
		near := false
		for d := -2; d <= 2; d++ {
			if exact[i+d] {
				near = true
			}
		}
		if !near && len(name) > 1 {
			continue
		}
		for n := range name {
			if len([]rune(n)) < 4 || stem(n) == stem(t.folded) {
				continue
			}
			max := 1
			if len([]rune(n)) >= 5 {
				max = 2
			}
			if editDistance(n, t.folded) <= max {
				wrong = append(wrong, t.text)
				break
			}
		}
	}
	switch {
	case len(wrong) > 0:
		return false, SeverityError, fmt.Sprintf("O nome do negócio está escrito errado: %s; no perfil é \u201c%s\u201d.", quoteList(wrong), in.Business.Name)
	case len(exact) == 0:
		return true, notApplicable, "A legenda não cita o nome do negócio."
	}
	return true, "", fmt.Sprintf("O nome aparece como no perfil: \u201c%s\u201d.", in.Business.Name)
}

// editDistance is the Levenshtein distance between two short words.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
