// Package text holds the one trimming rule for every text the server
// validates (briefs, business fields, post edits, settings from the
// environment): what a reader cannot see does not count as content.
package text

import (
	"strings"
	"unicode"
)

// invisibleLetters are letters (category Lo/So) that render as nothing and
// are used to fake "non-empty" text.
var invisibleLetters = []rune{
	'\u115F', '\u1160', // Hangul choseong/jungseong fillers
	'\u3164', '\uFFA0', // Hangul fillers
	'\u2800', // Braille pattern blank
}

// IsBlank reports whether r shows nothing: white space (Unicode White_Space
// and categories Zs, Zl, Zp), format characters (Cf: zero-width space and
// joiners, BOM, word joiner, bidi marks, soft hyphen…), control characters
// (Cc) and the filler letters above.
func IsBlank(r rune) bool {
	return unicode.IsSpace(r) ||
		unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp, unicode.Cf, unicode.Cc) ||
		strings.ContainsRune(string(invisibleLetters), r)
}

// Trim removes blank runes at both ends. A text of blank runes only becomes
// "", so a required field made of invisible characters is empty.
func Trim(s string) string {
	return strings.TrimFunc(s, IsBlank)
}

// HasBlank reports whether s contains a blank rune anywhere (for one-word
// values such as hashtags).
func HasBlank(s string) bool {
	return strings.IndexFunc(s, IsBlank) >= 0
}

// SplitList splits a comma-separated list ("a, b,c", as the environment
// and the CLIs take them), trimming each item and dropping empty ones.
func SplitList(raw string) []string {
	items := []string{}
	for _, item := range strings.Split(raw, ",") {
		if item = Trim(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// foldTable maps the accented letters Portuguese uses (and a few neighbours)
// to their base letter. A table instead of Unicode decomposition keeps the
// module free of golang.org/x/text; combining marks (decomposed input) are
// dropped separately in Fold.
var foldTable = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i',
	'ó': 'o', 'ò': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u',
	'ç': 'c', 'ñ': 'n', 'ý': 'y', 'ÿ': 'y',
}

// Fold lower-cases s and removes accents, so comparisons treat "Café",
// "cafe" and a decomposed "cafe\u0301" alike (the checks and fakellm
// compare words this way).
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		if base, ok := foldTable[r]; ok {
			r = base
		}
		b.WriteRune(r)
	}
	return b.String()
}
