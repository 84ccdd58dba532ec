// Package text holds the one trimming rule for every text the server
// validates (briefs, business fields, post edits, settings from the
// environment): what a reader cannot see does not count as content.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// brailleBlank is the one rune outside the Unicode properties below that
// renders as nothing: a Braille cell with no dots (So), used to fake
// "non-empty" text.
const brailleBlank = '\u2800'

// IsBlank reports whether r shows nothing: white space (Unicode White_Space
// and categories Zs, Zl, Zp), control characters (Cc), every
// Default_Ignorable_Code_Point (format characters such as zero-width
// spaces, joiners, bidi marks and the soft hyphen; variation selectors; the
// combining grapheme joiner; Khmer inherent vowels; Hangul fillers…) and
// the blank Braille cell. web/src/lib/blank.gen.ts is generated from it
// (eval/cmd/webtext), so the web forms apply the same rule.
func IsBlank(r rune) bool {
	return unicode.IsSpace(r) ||
		unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp, unicode.Cc) ||
		IsDefaultIgnorable(r) ||
		r == brailleBlank
}

// IsDefaultIgnorable reports whether r has the Unicode property
// Default_Ignorable_Code_Point. Go's unicode package has the tables it is
// derived from, not the derived property, so this is the derivation of
// DerivedCoreProperties.txt: Other_Default_Ignorable_Code_Point + Cf +
// Variation_Selector - White_Space - FFF9..FFFB (interlinear annotation) -
// 13430..1343F (Egyptian hieroglyph format controls) -
// Prepended_Concatenation_Mark.
func IsDefaultIgnorable(r rune) bool {
	if !unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector) {
		return false
	}
	return !unicode.In(r, unicode.White_Space, unicode.Prepended_Concatenation_Mark) &&
		!(r >= 0xFFF9 && r <= 0xFFFB) && !(r >= 0x13430 && r <= 0x1343F)
}

// Trim removes blank runes at both ends. A text of blank runes only becomes
// "", so a required field made of invisible characters is empty. Marks
// that follow the last visible rune stay with it (the variation selector of
// a closing "❤️" chooses how the heart is drawn).
func Trim(s string) string {
	s = strings.TrimLeftFunc(s, IsBlank)
	end := len(strings.TrimRightFunc(s, IsBlank))
	if end == 0 {
		return ""
	}
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if !unicode.In(r, unicode.Mn, unicode.Me) {
			break
		}
		end += size
	}
	return s[:end]
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
	// Most words are plain lower-case ASCII: nothing to do.
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
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
