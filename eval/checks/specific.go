package checks

import (
	"fmt"
	"sort"
	"strings"
)

// stopWords are Portuguese function words and words any post of any
// business uses: they never make a caption specific. Folded.
var stopWords = setOf(`
a o as os um uma uns umas de da do das dos em na no nas nos num numa por pra pro pras pros para pela pelo pelas pelos
com sem sob sobre entre ate apos desde contra e ou mas nem que se porque pois quando como onde quem qual quais
ja nao sim so tambem muito muita muitos muitas mais menos bem mal tao tanto toda todo todas todos cada outro outra
outros outras mesmo mesma mesmos mesmas esse essa esses essas este esta estes estas isso isto aquele aquela aquilo
eu voce voces ele ela eles elas nos gente meu minha meus minhas seu sua seus suas nosso nossa nossos nossas teu tua
lhe lhes me te comigo contigo conosco ser sou era foi sao estar esta estou estao ter tem tenho tinha fazer faz fiz
feito feita feitos feitas vai vou vem vir ver veja fica ficar ficou pode podem dar deu dia dias hoje ontem amanha
agora ainda sempre nunca aqui ali la ai entao depois antes hora horas vez vezes ano anos mes semana tudo nada
algo alguem coisa coisas jeito forma tipo parte lado novo nova novos novas bom boa bons boas melhor melhores
grande grandes pequeno pequena primeiro primeira ultimo ultima dois duas tres quatro cinco
cliente clientes pedido pedidos preco precos valor servico servicos produto produtos loja casa dono dona
qualidade carinho amor cuidado especial especiais detalhe detalhes sabor whatsapp encomenda encomendas
instagram post perfil link bio chama chame manda mande fala fale passa passe
`)

func setOf(list string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(list) {
		out[w] = true
	}
	return out
}

// stem reduces a folded word to a crude singular so "brigadeiros" meets
// "brigadeiro" and "flores" meets "flor"; good enough to compare, never shown.
func stem(w string) string {
	switch {
	case strings.HasSuffix(w, "oes"), strings.HasSuffix(w, "aes"):
		return w[:len(w)-3] + "ao"
	case strings.HasSuffix(w, "res"), strings.HasSuffix(w, "zes"), strings.HasSuffix(w, "les"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "is") && len(w) > 4:
		return w[:len(w)-2] + "l"
	case strings.HasSuffix(w, "s") && len(w) > 3:
		return w[:len(w)-1]
	}
	return w
}

// contentStems are the distinctive words of a text: folded, stemmed, at
// least four letters (or any number), not stop words.
func contentStems(text string) map[string]string {
	out := map[string]string{}
	for _, w := range words(text) {
		if !isDistinctive(w.folded) {
			continue
		}
		s := stem(w.folded)
		if _, ok := out[s]; !ok {
			out[s] = w.text
		}
	}
	return out
}

func isDistinctive(folded string) bool {
	if stopWords[folded] || stopWords[stem(folded)] {
		return false
	}
	if folded != "" && folded[0] >= '0' && folded[0] <= '9' {
		return false // numbers are the invented-facts check's business
	}
	return len([]rune(folded)) >= 4
}

// anchors are what makes a post this business's and nobody else's: its
// places, products and facts and the brief's distinctive words. Words of the
// business name and segment do not count: "Açaí Tamoio" naming açaí says
// nothing a competitor could not.
type anchorSet struct {
	places []string
	terms  map[string]string
}

var anchorMemo = newMemo[anchorSet](64)

func anchors(c Context) (places []string, terms map[string]string) {
	a := anchorMemo.get(profileText(c)+"\x00"+c.Business.Name+"\x00"+c.Business.Segment, func() anchorSet {
		p, t := parseAnchors(c)
		return anchorSet{p, t}
	})
	return a.places, a.terms
}

func parseAnchors(c Context) (places []string, terms map[string]string) {
	b := c.Business
	for _, place := range []string{b.Neighbourhood, b.City} {
		if strings.TrimSpace(place) != "" {
			places = append(places, place)
		}
	}
	generic := contentStems(b.Name + " " + b.Segment)
	terms = map[string]string{}
	sources := []string{c.Brief}
	for _, s := range b.Services {
		sources = append(sources, s.Name)
	}
	sources = append(sources, b.Facts...)
	sources = append(sources, b.Notes)
	for _, text := range sources {
		for s, w := range contentStems(text) {
			if _, isGeneric := generic[s]; !isGeneric {
				if _, ok := terms[s]; !ok {
					terms[s] = w
				}
			}
		}
	}
	return places, terms
}

// foundAnchors lists the anchors a caption mentions, places first, and
// how many of them are places.
func foundAnchors(in Input) ([]string, int) {
	places, terms := anchors(in.Context)
	text := publishedWords(in.Post)
	padded := normalizeForPhrases(text)
	var found []string
	for _, p := range places {
		if strings.Contains(padded, normalizeForPhrases(p)) {
			found = append(found, p)
		}
	}
	var hits []string
	for s, w := range contentStems(text) {
		if _, ok := terms[s]; ok {
			hits = append(hits, w)
		}
	}
	sort.Strings(hits)
	return append(found, hits...), len(found)
}

// Suggestions are what the reason of a generic post proposes to cite: the
// neighbourhood, the city and the offerings the brief is about, written as
// the profile writes them. Never loose words of the brief: picked by rule
// they were adjectives and names out of context ("abertas", "joão").
func Suggestions(c Context) []string {
	var out []string
	for _, place := range []string{c.Business.Neighbourhood, c.Business.City} {
		if p := strings.TrimSpace(place); p != "" && len(out) < 2 {
			out = append(out, p)
		}
	}
	brief := contentStems(c.Brief)
	best, bestScore := "", 0
	for _, s := range c.Business.Services {
		name := OfferingName(s.Name)
		score := 0
		for st := range contentStems(name) {
			if _, ok := brief[st]; ok {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = name, score
		}
	}
	if best != "" {
		out = append(out, best)
	}
	return out
}

// OfferingName is an offering's name without its parenthesised detail
// ("bolo de casamento (por quilo)" → "bolo de casamento").
func OfferingName(name string) string {
	name, _, _ = strings.Cut(name, "(")
	return strings.TrimSpace(name)
}

func checkSpecific(in Input) (bool, Severity, string) {
	if strings.TrimSpace(in.Post.Caption) == "" {
		return false, SeverityError, "Legenda vazia: nada deste negócio para mostrar."
	}
	found, places := foundAnchors(in)
	// One place, or two other anchors: a single product word ("mesa",
	// "litro") turns up in generic copy too.
	if places > 0 || len(found) >= 2 {
		if len(found) > 4 {
			found = found[:4]
		}
		return true, "", fmt.Sprintf("Cita %s, do perfil ou do pedido.", quoteList(found))
	}
	reason := "A legenda serviria para qualquer negócio: não cita o bairro, a cidade nem detalhes do perfil ou do pedido (produtos, fatos)."
	if len(found) == 1 {
		reason = fmt.Sprintf("A legenda serviria para qualquer negócio: só cita %s; inclua o bairro, a cidade ou outro detalhe do perfil ou do pedido.", quoteList(found))
	}
	if s := Suggestions(in.Context); len(s) > 0 {
		reason += fmt.Sprintf(" Use, por exemplo, %s.", quoteList(s))
	}
	return false, SeverityError, reason
}
