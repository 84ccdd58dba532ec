package checks

import (
	"fmt"
	"strings"

	"github.com/rekan/rekan/eval/content"
)

// Similarity limits. Hooks are short, so sharing most words is repeating;
// captions of one request share the brief's words by design, so only a
// much larger overlap means the same post reworded.
const (
	// HookSimilarityMax is the word overlap (Jaccard) from which two hooks
	// count as the same opening.
	HookSimilarityMax = 0.6
	// OpeningWords is how many first words, all equal, make the same
	// opening whatever follows ("Saiu do forno…").
	OpeningWords = 3
	// CaptionSimilarityMax is the overlap of distinctive words (the brief's
	// left out) from which two captions of one request count as the same
	// post.
	CaptionSimilarityMax = 0.5
)

// glue words say nothing about an opening's idea.
var glue = setOf("a o as os um uma de da do das dos e em na no nas nos pra pro para que com")

func hookWords(s string) []string {
	var out []string
	for _, w := range words(s) {
		out = append(out, stem(w.folded))
	}
	return out
}

// HookSimilarity is how alike two openings are, from 0 to 1: 1 when their
// first OpeningWords words match, otherwise the overlap of their words
// (glue words left out).
func HookSimilarity(a, b string) float64 {
	wa, wb := hookWords(a), hookWords(b)
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	if len(wa) >= OpeningWords && len(wb) >= OpeningWords && strings.Join(wa[:OpeningWords], " ") == strings.Join(wb[:OpeningWords], " ") {
		return 1
	}
	return jaccard(withoutGlue(wa), withoutGlue(wb))
}

func withoutGlue(ws []string) map[string]bool {
	out := map[string]bool{}
	for _, w := range ws {
		if !glue[w] {
			out[w] = true
		}
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// hookOf is the post's opening: its hook, or the caption's first line.
func hookOf(p content.Post) string {
	if h := strings.TrimSpace(p.Hook); h != "" {
		return h
	}
	if ls := lines(p.Caption); len(ls) > 0 {
		return ls[0]
	}
	return ""
}

func checkNewHook(in Input) (bool, Severity, string) {
	hook := hookOf(in.Post)
	if hook == "" {
		return false, SeverityError, "Sem gancho: a primeira frase da legenda está vazia."
	}
	if len(in.PreviousHooks) == 0 {
		return true, notApplicable, "Nenhuma abertura anterior deste negócio para comparar."
	}
	for _, prev := range in.PreviousHooks {
		if HookSimilarity(hook, prev) >= HookSimilarityMax {
			return false, SeverityError, fmt.Sprintf("O gancho repete uma abertura recente deste negócio: \u201c%s\u201d. Comece de outro jeito.", shorten(prev, 80))
		}
	}
	return true, "", fmt.Sprintf("O gancho é diferente das %d aberturas recentes.", len(in.PreviousHooks))
}

// captionSimilarity is the overlap of two captions' distinctive words,
// leaving out the brief's: posts about one brief share those by design.
func captionSimilarity(a, b content.Post, brief string) float64 {
	shared := contentStems(brief)
	only := func(p content.Post) map[string]bool {
		out := map[string]bool{}
		for s := range contentStems(p.Caption) {
			if _, ok := shared[s]; !ok {
				out[s] = true
			}
		}
		return out
	}
	return jaccard(only(a), only(b))
}

func checkDistinctPosts(in Input) (bool, Severity, string) {
	if len(in.Others) == 0 {
		return true, notApplicable, "Único post do pedido: nada a comparar."
	}
	hook := hookOf(in.Post)
	for _, other := range in.Others {
		switch {
		case hook != "" && HookSimilarity(hook, hookOf(other)) >= HookSimilarityMax:
			return false, SeverityError, fmt.Sprintf("Abre igual a outro post deste pedido (\u201c%s\u201d): cada post precisa de um gancho próprio.", shorten(hookOf(other), 80))
		case captionSimilarity(in.Post, other, in.Brief) >= CaptionSimilarityMax:
			return false, SeverityError, fmt.Sprintf("Diz quase o mesmo que outro post deste pedido (\u201c%s\u201d): cada post precisa passar uma mensagem diferente.", shorten(hookOf(other), 80))
		}
	}
	return true, "", fmt.Sprintf("Diferente %s deste pedido.", plural(len(in.Others), "do outro post", "dos outros posts"))
}
