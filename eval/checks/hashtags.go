package checks

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rekan/rekan/eval/content"
)

// Hashtag count limits. Instagram accepts 30, but more than 15 reads as
// spam and fewer than 3 wastes the reach hashtags give a small account.
const (
	HashtagsMin = 3
	HashtagsMax = 15
)

// ValidHashtag reports whether tag is "#" plus one word: letters (accents
// included), digits or underscores, at least one letter (Instagram does not
// link all-digit tags), no spaces or punctuation.
func ValidHashtag(tag string) bool {
	body, ok := strings.CutPrefix(tag, "#")
	if !ok || body == "" {
		return false
	}
	hasLetter := false
	for _, r := range body {
		if !isWordRune(r) {
			return false
		}
		if unicode.IsLetter(r) {
			hasLetter = true
		}
	}
	return hasLetter
}

// captionHashtags finds the hashtags written inside a caption: "#" followed
// by word characters with at least one letter ("pedido #2" is not one).
func captionHashtags(caption string) []string {
	var tags []string
	for i := 0; i < len(caption); {
		r, size := utf8.DecodeRuneInString(caption[i:])
		if r != '#' {
			i += size
			continue
		}
		end := i + size
		for end < len(caption) {
			next, nsize := utf8.DecodeRuneInString(caption[end:])
			if !isWordRune(next) {
				break
			}
			end += nsize
		}
		if tag := caption[i:end]; ValidHashtag(tag) {
			tags = append(tags, tag)
		}
		i = end
	}
	return tags
}

// checkHashtags judges the post as published: the hashtags field plus any
// hashtag written inside the caption, since Instagram shows (and counts)
// them all together. Only the field's entries must be well formed; inside
// the caption only well-formed tags are hashtags at all. Duplicates are
// compared case- and accent-insensitively (#Café = #cafe), also across
// caption and field, because publishing both repeats the tag.
func checkHashtags(p content.Post) (bool, Severity, string) {
	var invalid, duplicates []string
	seen := map[string]bool{}
	add := func(tag string) {
		key := Fold(tag)
		if seen[key] {
			duplicates = append(duplicates, tag)
			return
		}
		seen[key] = true
	}
	for _, raw := range p.Hashtags {
		tag := strings.TrimSpace(raw)
		if !ValidHashtag(tag) {
			invalid = append(invalid, tag)
			continue
		}
		add(tag)
	}
	for _, tag := range captionHashtags(p.Caption) {
		add(tag)
	}
	count := len(seen)

	var problems []string
	severity := Severity("")
	if len(invalid) > 0 {
		severity = SeverityError
		problems = append(problems, fmt.Sprintf("%s %s: cada uma deve ser # seguido de uma palavra só, com pelo menos uma letra, sem espaço nem pontuação.",
			plural(len(invalid), "Hashtag inválida", "Hashtags inválidas"), quoteList(invalid)))
	}
	if count < HashtagsMin || count > HashtagsMax {
		severity = SeverityError
		problems = append(problems, fmt.Sprintf("%d %s: use entre %d e %d.", count, plural(count, "hashtag válida", "hashtags válidas"), HashtagsMin, HashtagsMax))
	}
	if len(duplicates) > 0 {
		if severity == "" {
			severity = SeverityWarning
		}
		problems = append(problems, fmt.Sprintf("%s %s.", plural(len(duplicates), "Hashtag repetida:", "Hashtags repetidas:"), quoteList(duplicates)))
	}
	if len(problems) > 0 {
		return false, severity, strings.Join(problems, " ")
	}
	return true, "", fmt.Sprintf("%d hashtags válidas, sem repetição.", count)
}
