package checks

import (
	"strings"
	"unicode"

	rekantext "github.com/rekan/rekan/eval/text"
)

// Fold lower-cases s and removes accents (eval/text.Fold, the one rule
// fakellm shares), so comparisons treat "Café", "cafe" and a decomposed
// "cafe\u0301" alike.
func Fold(s string) string { return rekantext.Fold(s) }

// isWordRune is what may appear inside a word or hashtag.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r)
}

// word is one token of a text, as written and folded.
type word struct {
	text   string // lower-cased, accents kept
	folded string
}

// words splits s into lower-case words; a hyphen between letters stays in
// the word ("pequeno-almoço") because that is how compounds are spelled.
func words(s string) []word {
	var out []word
	runes := []rune(s)
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		text := strings.ToLower(string(runes[start:end]))
		out = append(out, word{text: text, folded: Fold(text)})
		start = -1
	}
	for i, r := range runes {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
		case r == '-' && start >= 0 && i+1 < len(runes) && unicode.IsLetter(runes[i+1]):
			// part of a compound
		default:
			flush(i)
		}
	}
	flush(len(runes))
	return out
}

// lines returns the non-empty, trimmed lines of s.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// isHashtagLine reports whether a line holds only hashtags (the block many
// captions end with).
func isHashtagLine(line string) bool {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return false
	}
	for _, f := range fields {
		if !strings.HasPrefix(f, "#") {
			return false
		}
	}
	return true
}

// quoteList formats found terms for a reason: "a", "b" e "c".
func quoteList(items []string) string {
	quoted := make([]string, len(items))
	for i, it := range items {
		quoted[i] = "\u201c" + it + "\u201d"
	}
	return joinList(quoted)
}

// joinList joins items the Portuguese way: a, b e c.
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " e " + items[len(items)-1]
}

// plural picks the singular or plural form for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
