package checks

import (
	"fmt"
	"slices"
	"strings"
)

// briefVerbs are words every brief uses to tell what happened ("chegou",
// "fiz", "saiu"): sharing one says nothing about the topic.
var briefVerbs = setOf(`
chegou chegaram chegando saiu sairam voltou voltaram fiz fizemos fez lancamos lancou tivemos teve ficou ficaram
quero queremos precisa preciso divulgar divulga postar post falar mostrar novo nova novos novas semana
`)

// briefMinTopics is the least number of topic words a brief needs to be
// compared with: a short brief (with photos, "essa aqui" is enough) says
// too little to judge, so the check does not apply.
const briefMinTopics = 2

// briefTopics are the brief's distinctive stems, minus narrating verbs.
func briefTopics(brief string) map[string]string {
	out := map[string]string{}
	for s, w := range contentStems(brief) {
		if !briefVerbs[Fold(w)] {
			out[s] = w
		}
	}
	return out
}

// sameTopic compares two stems loosely: equal, or sharing their first six
// letters ("quimica"/"quimicas", "danificado"/"danificados").
func sameTopic(a, b string) bool {
	if a == b {
		return true
	}
	return len(a) >= 6 && len(b) >= 6 && a[:6] == b[:6]
}

// checkAddressesBrief judges whether the caption talks about what the
// operator asked for: it must share at least one topic word of the brief
// (a product, a name, a place, an event). The brief is the operator's
// words, so one shared topic word is taken as addressing it; the judges
// weigh how well.
func checkAddressesBrief(in Input) (bool, Severity, string) {
	if captionLanguage(publishedWords(in.Post)) != "" {
		return true, notApplicable, "A legenda não está em português: a checagem de idioma já aponta o problema."
	}
	topics := briefTopics(in.Brief)
	if len(topics) < briefMinTopics {
		return true, notApplicable, "Pedido curto demais para comparar com a legenda (com fotos, o pedido pode ser curto)."
	}
	caption := contentStems(publishedWords(in.Post))
	var hits []string
	for s := range caption {
		for t, w := range topics {
			if sameTopic(s, t) && !contains(hits, w) {
				hits = append(hits, w)
			}
		}
	}
	if len(hits) > 0 {
		hits = sorted(hits)
		if len(hits) > 3 {
			hits = hits[:3]
		}
		return true, "", fmt.Sprintf("Fala do pedido: %s.", quoteList(hits))
	}
	want := make([]string, 0, len(topics))
	for _, w := range topics {
		want = append(want, w)
	}
	want = sorted(want)
	if len(want) > 3 {
		want = want[:3]
	}
	return false, SeverityWarning, fmt.Sprintf("A legenda não fala do que o pedido pede (%s, …): confira se atende ao pedido.", strings.Join(quoteEach(want), ", "))
}

func quoteEach(items []string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = "\u201c" + it + "\u201d"
	}
	return out
}

func sorted(items []string) []string {
	out := slices.Clone(items)
	slices.Sort(out)
	return out
}
