package checks

import (
	"fmt"
	"strings"

	"github.com/rekan/rekan/eval/content"
)

// promoTerms announce a discount, freeTerms a freebie. A caption may only
// use them when the profile or brief announces one of the same kind: a price
// cut in the brief backs "desconto", not "brinde".
var (
	promoTerms = []string{
		"desconto", "descontos", "off", "promocao", "promo", "queima de estoque", "black friday",
		"preco especial", "mais barato", "mais barata",
	}
	freeTerms = []string{
		"gratis", "de graca", "brinde", "brindes", "frete gratis", "cortesia", "pague 1", "pague 2",
		"leve 2", "leve 3", "2 por 1", "dois por um", "compre 1", "compre 2", "cupom",
	}
)

// sourcePromoHints and sourceFreeHints, found in a profile or brief (as
// word prefixes), mean the owner has an offer of that kind to announce.
var (
	sourcePromoHints = []string{"baixou", "abaixou", "mais barat", "preco novo", "preco especial", "promoc", "descont", "sai por", "saem por", "off"}
	sourceFreeHints  = []string{"gratis", "brinde", "de graca", "cortesia", "leve ", "pague ", "cupom"}
)

// urgency is a "reason to act now" that costs trust when it is not true.
type urgency struct {
	phrase string
	// needs is what the profile or brief must mention for the phrase to be
	// true (a folded word prefix).
	needs []string
}

var urgencies = []urgency{
	{"so hoje", []string{"hoje"}}, {"somente hoje", []string{"hoje"}}, {"apenas hoje", []string{"hoje"}},
	{"so ate hoje", []string{"hoje"}}, {"ate amanha", []string{"amanha"}}, {"so amanha", []string{"amanha"}},
	{"ultimas unidades", []string{"unidade", "estoque", "ultim"}}, {"ultimas vagas", []string{"vaga"}},
	{"poucas vagas", []string{"vaga"}}, {"vagas limitadas", []string{"vaga"}}, {"ultimos lugares", []string{"lugar", "vaga"}},
	{"poucas unidades", []string{"unidade", "estoque"}}, {"estoque limitado", []string{"estoque"}},
	{"enquanto durar o estoque", []string{"estoque"}}, {"enquanto durarem os estoques", []string{"estoque"}},
	{"por tempo limitado", []string{"limitad", "so ate", "ate o dia"}}, {"ultimos dias", []string{"ultimos dias", "ate o dia", "so ate"}},
	{"ultima chance", []string{"ultima chance", "ultimo dia"}}, {"oferta relampago", []string{"relampago"}},
	{"so esta semana", []string{"semana"}}, {"so essa semana", []string{"semana"}}, {"so nesta semana", []string{"semana"}},
	{"so neste fim de semana", []string{"fim de semana"}}, {"so este mes", []string{"mes"}}, {"so esse mes", []string{"mes"}},
}

// inventedFacts lists, as "kind “text”", every price, percentage, promotion,
// deadline, date, time, duration or phone of the post's published text that
// the profile and brief do not back.
func inventedFacts(in Input, src *source) (found []string, facts int) {
	text := publishedWords(in.Post)
	folded := digitize(Fold(text))
	seen := map[string]bool{}
	add := func(kind, what string) {
		item := kind + " \u201c" + strings.TrimSpace(what) + "\u201d"
		if !seen[item] {
			seen[item] = true
			found = append(found, item)
		}
	}
	for _, m := range findAmounts(folded) {
		facts++
		if !src.allowsPrice(m.value) {
			add("preço", formatBRL(m.value))
		} else if unit := src.unitMismatch(folded, m); unit != "" {
			written := strings.TrimSpace(captionUnit.FindString(folded[m.end:]))
			found = append(found, fmt.Sprintf("preço \u201c%s %s\u201d (no perfil, %s é o preço por %s)", formatBRL(m.value), written, formatBRL(m.value), unit))
		}
	}
	for _, m := range findPercents(folded) {
		facts++
		if !containsValue(src.percents, m.value) {
			add("desconto", m.text)
		}
	}
	padded := normalizeForPhrases(folded)
	for _, t := range promoTerms {
		if strings.Contains(padded, " "+t+" ") {
			facts++
		}
		if !src.promo && !src.free && strings.Contains(padded, " "+t+" ") {
			add("promoção", t)
		}
	}
	for _, t := range freeTerms {
		if strings.Contains(padded, " "+t+" ") {
			facts++
		}
		if !src.free && strings.Contains(padded, " "+t+" ") {
			add("brinde", t)
		}
	}
	for _, u := range urgencies {
		if strings.Contains(padded, " "+u.phrase+" ") {
			facts++
		}
		if strings.Contains(padded, " "+u.phrase+" ") && !src.mentionsAny(u.needs) {
			add("prazo", u.phrase)
		}
	}
	for _, m := range findDates(folded) {
		facts++
		if !src.dates[m.key] {
			add("data", m.text)
		}
	}
	for _, m := range dayOfMonth.FindAllStringSubmatch(folded, -1) {
		facts++
		var d int
		fmt.Sscanf(m[1], "%d", &d)
		if !src.days[d] {
			add("data", m[0])
		}
	}
	for _, m := range findWeekdays(folded) {
		facts++
		if !src.weekdays[m.key] {
			add("dia", m.text)
		}
	}
	for _, m := range findTimes(folded) {
		facts++
		if !src.times[m.key] {
			add("horário", m.text)
		}
	}
	for _, m := range findDeadlines(folded) {
		facts++
		if !src.durations[m.key] {
			add("prazo", m.text)
		}
	}
	for _, m := range findPhones(text) {
		facts++
		if !samePhone(src.phone, m.key) {
			add("telefone", m.text)
		}
	}
	return found, facts
}

func (s *source) mentionsAny(stems []string) bool {
	padded := normalizeForPhrases(s.text)
	for _, stem := range stems {
		if strings.Contains(padded, " "+stem) {
			return true
		}
	}
	return false
}

// publishedWords is the hook and caption (the hook once, when the caption
// starts with it): what followers read.
func publishedWords(p content.Post) string {
	if strings.Contains(p.Caption, strings.TrimSpace(p.Hook)) {
		return p.Caption
	}
	return p.Hook + "\n" + p.Caption
}

// formatBRL writes a value the way the reason shows prices: R$ 25 or R$ 25,90.
func formatBRL(v float64) string {
	cents := int64(v*100 + 0.5)
	if cents%100 == 0 {
		return fmt.Sprintf("R$ %d", cents/100)
	}
	return fmt.Sprintf("R$ %d,%02d", cents/100, cents%100)
}

// checkNothingInvented is an error, never a warning: a wrong price or a
// promotion the owner never offered is a real loss for a micro-entrepreneur.
func checkNothingInvented(in Input) (bool, Severity, string) {
	found, facts := inventedFacts(in, newSource(in.Context))
	switch {
	case facts == 0:
		return true, notApplicable, "A legenda não cita preço, desconto, prazo, data, horário nem telefone: nada a conferir."
	case len(found) == 0:
		return true, "", "Preços, prazos, datas e telefones da legenda estão no perfil ou no pedido."
	}
	return false, SeverityError, fmt.Sprintf("Não está no perfil nem no pedido: %s. Confirme com o dono ou tire da legenda.", joinList(found))
}
