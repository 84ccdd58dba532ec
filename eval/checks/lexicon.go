package checks

import (
	"fmt"
	"strings"
)

// A lexicon file (claims.txt, products.txt, register.txt, language.txt,
// spam_hashtags.txt) is a reviewable list grouped by kind:
//
//	# comments
//	@ header fields | separated | by " | " | why the group is here
//	phrase
//	phrase* => backer, backer
//
// Phrases are matched on whole words, accent- and case-insensitively; a
// trailing * matches any word that starts with it. "=> backers" are what the
// profile or brief must say for the phrase to be true (word prefixes); by
// default the phrase itself.
type lexGroup struct {
	header []string
	why    string
	words  []lexEntry
}

type lexEntry struct {
	// text is the phrase as written in the file, for reasons.
	text   string
	phrase string
	prefix bool
	// backers are normalised without padding.
	backers []string
}

// parseLexicon panics on a malformed line: the files are embedded, so a
// mistake is a build-time one the package's tests catch.
func parseLexicon(name, data string, headerFields int) []lexGroup {
	var groups []lexGroup
	for i, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "@"); ok {
			fields := strings.Split(rest, " | ")
			if len(fields) != headerFields+1 {
				panic(fmt.Sprintf("%s line %d: want %d header fields and a reason, got %q", name, i+1, headerFields, line))
			}
			for j := range fields {
				fields[j] = strings.TrimSpace(fields[j])
			}
			if fields[headerFields] == "" {
				panic(fmt.Sprintf("%s line %d: a group needs the reason it is there", name, i+1))
			}
			groups = append(groups, lexGroup{header: fields[:headerFields], why: fields[headerFields]})
			continue
		}
		if len(groups) == 0 {
			panic(fmt.Sprintf("%s line %d: entry before any @ group", name, i+1))
		}
		phrase, backers, _ := strings.Cut(line, "=>")
		phrase = strings.TrimSpace(phrase)
		e := lexEntry{text: strings.TrimSuffix(phrase, "*"), prefix: strings.HasSuffix(phrase, "*")}
		e.phrase = strings.TrimSpace(normalizeForPhrases(e.text))
		if e.phrase == "" {
			panic(fmt.Sprintf("%s line %d: empty phrase", name, i+1))
		}
		for _, b := range strings.Split(backers, ",") {
			if b = strings.TrimSpace(normalizeForPhrases(b)); b != "" {
				e.backers = append(e.backers, b)
			}
		}
		if len(e.backers) == 0 {
			e.backers = []string{e.phrase}
		}
		g := &groups[len(groups)-1]
		g.words = append(g.words, e)
	}
	return groups
}

// in reports whether the entry occurs in padded (normalizeForPhrases output).
func (e lexEntry) in(padded string) bool {
	if e.prefix {
		return strings.Contains(padded, " "+e.phrase)
	}
	return strings.Contains(padded, " "+e.phrase+" ")
}
