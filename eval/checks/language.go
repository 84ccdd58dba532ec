package checks

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/rekan/rekan/eval/content"
)

//go:embed language.txt
var languageFile string

//go:embed spam_hashtags.txt
var spamHashtagsFile string

// foreignLanguage is one group of language.txt.
type foreignLanguage struct {
	name  string
	words map[string]bool
}

var (
	foreignLanguages = parseForeignLanguages(languageFile)
	spamHashtags     = setOf(Fold(stripComments(spamHashtagsFile)))
)

func parseForeignLanguages(data string) []foreignLanguage {
	var out []foreignLanguage
	for _, g := range parseLexicon("language.txt", data, 1) {
		l := foreignLanguage{name: g.header[0], words: map[string]bool{}}
		for _, e := range g.words {
			l.words[e.phrase] = true
		}
		out = append(out, l)
	}
	return out
}

func stripComments(data string) string {
	var b strings.Builder
	for _, line := range strings.Split(data, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// Foreign-language thresholds: a fifth of the words, and at least three, so
// "happy hour" or "delivery" in a Portuguese caption is not enough.
const (
	foreignShareMin = 0.2
	foreignWordsMin = 3
)

// captionLanguage names the foreign language a caption is written in, or
// returns "". A small word-list profile instead of a language-identification
// library: only two languages matter (a model slipping into English or
// Spanish), and the lists stay reviewable and cost microseconds.
func captionLanguage(text string) string {
	ws := words(text)
	if len(ws) == 0 {
		return ""
	}
	best, bestHits := "", 0
	for _, l := range foreignLanguages {
		hits := 0
		for _, w := range ws {
			if l.words[w.folded] {
				hits++
			}
		}
		if l.name == "espanhol" {
			// Portuguese never writes ñ, ¡, ¿ or starts a word with "ll".
			hits += strings.Count(text, "¡") + strings.Count(text, "¿") + strings.Count(strings.ToLower(text), "ñ")
			for _, w := range ws {
				if strings.HasPrefix(w.folded, "ll") {
					hits++
				}
			}
		}
		if hits > bestHits {
			best, bestHits = l.name, hits
		}
	}
	if bestHits >= foreignWordsMin && float64(bestHits) >= foreignShareMin*float64(len(ws)) {
		return best
	}
	return ""
}

// checkLanguage: the caption must be Portuguese, and Brazilian.
func checkLanguage(p content.Post) (bool, Severity, string) {
	if lang := captionLanguage(p.Hook + "\n" + p.Caption); lang != "" {
		return false, SeverityError, fmt.Sprintf("A legenda está em %s: escreva em português do Brasil.", lang)
	}
	return checkBrazilianPortuguese(p)
}

// checkHashtagsOnTopic adds to the format rules of checkHashtags that the
// hashtags must be about this business: no tag of the spam list, and at
// least one tied to its name, segment, place, offerings or the brief.
func checkHashtagsOnTopic(in Input) (bool, Severity, string) {
	passed, severity, reason := checkHashtags(in.Post)
	if !passed && severity == SeverityError {
		return passed, severity, reason
	}
	tags := append(append([]string{}, in.Post.Hashtags...), captionHashtags(in.Post.Caption)...)
	var spam []string
	onTopic := false
	topic := topicStems(in.Context)
	for _, t := range tags {
		body := Fold(strings.TrimPrefix(strings.TrimSpace(t), "#"))
		if spamHashtags[body] {
			spam = append(spam, t)
			continue
		}
		for _, s := range topic {
			if strings.Contains(body, s) {
				onTopic = true
				break
			}
		}
	}
	var problems []string
	if !passed {
		problems = append(problems, reason)
	}
	if len(spam) > 0 {
		problems = append(problems, fmt.Sprintf("%s %s: servem a qualquer perfil e atraem robôs, não clientes.", plural(len(spam), "Hashtag genérica", "Hashtags genéricas"), quoteList(spam)))
	}
	if len(tags) > 0 && len(topic) > 0 && !onTopic {
		problems = append(problems, "Nenhuma hashtag fala do negócio: use o nome, o bairro, a cidade, o segmento ou os produtos.")
	}
	if len(problems) > 0 {
		return false, SeverityWarning, strings.Join(problems, " ")
	}
	return true, "", reason
}

// topicStems are the folded stems (at least four letters) a hashtag about
// this business contains: words of its name, segment, places, offerings,
// facts and the brief.
var topicMemo = newMemo[[]string](64)

func topicStems(c Context) []string {
	return topicMemo.get(profileText(c), func() []string { return parseTopicStems(c) })
}

func parseTopicStems(c Context) []string {
	b := c.Business
	texts := []string{b.Name, b.Segment, b.City, b.Neighbourhood, c.Brief, strings.Join(b.DeliveryAreas, " ")}
	for _, s := range b.Services {
		texts = append(texts, s.Name)
	}
	texts = append(texts, b.Facts...)
	var out []string
	seen := map[string]bool{}
	for _, t := range texts {
		for _, w := range words(t) {
			s := stem(w.folded)
			if len(s) >= 4 && !stopWords[w.folded] && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}
