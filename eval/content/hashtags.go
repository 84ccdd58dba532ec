package content

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rekan/rekan/eval/text"
)

// Hashtags follow two rule sets on purpose, both kept here: the model's
// output is repaired (RepairHashtags: nobody can be asked to fix it), an
// operator's edit is checked (ParseHashtags: rewriting what a person typed
// would hide the mistake). Both give every tag exactly one leading '#'
// (withHash); the format rules proper (count, duplicates) are the checks'.

// RepairHashtags makes the model's tags usable: spaces inside a tag are
// joined, empty tags dropped, repeated ones (case-insensitively) dropped.
func RepairHashtags(tags []string) []string {
	out := make([]string, 0, len(tags))
	seen := make(map[string]bool, len(tags))
	for _, tag := range tags {
		tag, ok := withHash(strings.Join(strings.Fields(tag), ""))
		if !ok {
			continue
		}
		key := strings.ToLower(tag)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, tag)
	}
	return out
}

// ParseHashtags reads an operator's JSON list of words, with or without the
// leading '#'. Blank entries are dropped; more than MaxHashtags tags, or a
// tag that cannot be one (blanks inside, longer than MaxHashtagRunes), is
// refused with a Portuguese message.
func ParseHashtags(raw []byte) ([]string, error) {
	if len(strings.TrimSpace(string(raw))) == 0 || string(raw) == "null" {
		return []string{}, nil
	}
	var items []string
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, errors.New("As hashtags devem ser uma lista de textos.")
	}
	if len(items) > MaxHashtags {
		return nil, fmt.Errorf("No máximo %d hashtags.", MaxHashtags)
	}
	tags := make([]string, 0, len(items))
	for _, item := range items {
		tag, ok := withHash(text.Trim(item))
		if !ok {
			continue
		}
		word := tag[1:]
		if utf8.RuneCountInString(word) > MaxHashtagRunes || text.HasBlank(word) {
			return nil, fmt.Errorf("Hashtag inválida: %q (uma palavra, sem espaços).", item)
		}
		tags = append(tags, tag)
	}
	return tags, nil
}

// withHash strips the leading '#'s (and the blanks after them) and puts
// one back; ok is false when no word is left.
func withHash(tag string) (string, bool) {
	word := text.Trim(strings.TrimLeft(tag, "#"))
	if word == "" {
		return "", false
	}
	return "#" + word, true
}
