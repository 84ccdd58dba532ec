package checks

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed register.txt
var registerFile string

// registerGroup is one group of register.txt.
type registerGroup struct {
	kind    string
	entries []lexEntry
}

var registerGroups = func() []registerGroup {
	var out []registerGroup
	for _, g := range parseLexicon("register.txt", registerFile, 1) {
		out = append(out, registerGroup{kind: g.header[0], entries: g.words})
	}
	return out
}()

// checkTone flags a formal-notice register (unless the profile's voice asks
// for formality) and jabs at competitors.
func checkTone(in Input) (bool, Severity, string) {
	padded := normalizeForPhrases(publishedWords(in.Post))
	formalVoice := strings.Contains(normalizeForPhrases(in.Business.Voice), " formal")
	var problems []string
	for _, g := range registerGroups {
		if g.kind == "formal" && formalVoice {
			continue
		}
		var found []string
		for _, e := range g.entries {
			if e.in(padded) {
				found = append(found, e.text)
			}
		}
		if len(found) == 0 {
			continue
		}
		switch g.kind {
		case "formal":
			problems = append(problems, fmt.Sprintf("Tom de comunicado formal (%s): fale como o dono fala com o cliente.", quoteList(found)))
		default:
			problems = append(problems, fmt.Sprintf("Alfinetada na concorrência (%s): fale do que este negócio faz, não dos outros.", quoteList(found)))
		}
	}
	if len(problems) > 0 {
		return false, SeverityWarning, strings.Join(problems, " ")
	}
	return true, "", "Sem tom de comunicado formal nem alfinetada na concorrência."
}
