package calendar

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// segmentRule maps words of a business's free-text segment to tags. A
// word ending in "*" matches any word starting with it ("bolo*": bolos);
// other words match whole words only, so "bar" does not match "barbearia".
// A phrase ("banho e tosa") matches consecutive words.
type segmentRule struct {
	Words []string `json:"words"`
	Tags  []string `json:"tags"`

	phrases [][]string
}

func (r *segmentRule) compile(tags map[string]string) error {
	if len(r.Words) == 0 || len(r.Tags) == 0 {
		return fmt.Errorf("segment_map entry without words or tags")
	}
	for _, t := range r.Tags {
		if _, ok := tags[t]; !ok {
			return fmt.Errorf("segment_map: unknown tag %q", t)
		}
	}
	for _, w := range r.Words {
		phrase := words(w)
		if len(phrase) == 0 {
			return fmt.Errorf("segment_map: blank word in %v", r.Words)
		}
		r.phrases = append(r.phrases, phrase)
	}
	return nil
}

// SegmentTags maps a free-text segment ("Confeitaria artesanal",
// "BARBEARIA", "banda de forró") to the calendar's tags, sorted; none when
// nothing matches (the business then gets only the dates for all).
func (c *Calendar) SegmentTags(segment string) []string {
	text := words(segment)
	var out []string
	for _, r := range c.segments {
		for _, p := range r.phrases {
			if containsPhrase(text, p) {
				out = append(out, r.Tags...)
				break
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func containsPhrase(text, phrase []string) bool {
	for i := 0; i+len(phrase) <= len(text); i++ {
		ok := true
		for j, w := range phrase {
			if !wordMatches(text[i+j], w) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func wordMatches(word, pattern string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(word, prefix)
	}
	return word == pattern
}

// words lowercases s, drops accents and splits it on anything that is not a
// letter, a digit or the "*" of a pattern.
func words(s string) []string {
	folded, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		folded = s
	}
	return strings.FieldsFunc(strings.ToLower(folded), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '*'
	})
}

// Fold is s lowercased, without accents and with single spaces, for
// comparing free text ("Dia das Mães" and "dia das maes" fold alike).
func Fold(s string) string { return strings.Join(words(s), " ") }
