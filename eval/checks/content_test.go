package checks_test

import (
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

// withCaption is goodPost with another closing paragraph.
func withCaption(extra string) content.Post {
	p := goodPost()
	p.Caption = p.Hook + "\n\nTrês andares de baunilha com doce de leite de Carmo do Cajuru, rosa e dourado.\n\n" + extra
	return p
}

func TestNothingInventedNormalisesFormats(t *testing.T) {
	cases := map[string]want{
		"O quilo sai a R$ 145.":                         pass,
		"O quilo sai a R$145,00.":                       pass,
		"O quilo sai a 145 reais.":                      pass,
		"O quilo sai a R$ 1.450,00 pra dez quilos.":     fail.with("R$ 1450"),
		"O quilo sai a R$ 140.":                         fail.with("preço “R$ 140”"),
		"Encomendas com 10 dias de antecedência.":       pass,
		"Encomendas com dez dias de antecedência.":      pass,
		"Encomendas com 3 dias de antecedência.":        fail.with("prazo"),
		"Chama no WhatsApp (31) 99999-0000.":            pass,
		"Chama no WhatsApp 31 999990000.":               pass,
		"Chama no WhatsApp +55 31 99999-0000.":          pass,
		"Chama no WhatsApp (31) 98888-1111.":            fail.with("telefone"),
		"Pedidos com 10% de desconto.":                  fail.with("desconto"),
		"Frete grátis em BH.":                           fail.with("brinde"),
		"Encomendas até sexta.":                         fail.with("dia “sexta”"),
		"Na segunda vez que ela pediu, fiz igual.":      pass,
		"Entregamos até 18h.":                           fail.with("horário"),
		"Agenda aberta até 20/12.":                      fail.with("data"),
		"A gente levou dois dias entre montar e gelar.": pass,
	}
	for caption, w := range cases {
		assertResult(t, caption, result(t, withCaption(caption), checks.IDNothingInvented), w)
	}
}

func TestNothingInventedAllowsPricesTheBriefDerives(t *testing.T) {
	in := inputOf(withCaption("O quilo baixou: sai a R$ 135 até sábado."))
	in.Brief = "o quilo do bolo de casamento baixou 10 reais até sábado"
	assertResult(t, "price minus the brief's amount", resultIn(t, in, checks.IDNothingInvented), pass)
	in.Brief = "bolo de casamento com 20% de desconto até sábado"
	in.Post = withCaption("Com 20% de desconto, o quilo sai a R$ 116 até sábado.")
	assertResult(t, "price minus the brief's percentage", resultIn(t, in, checks.IDNothingInvented), pass)
}

func TestSpecificNeedsAPlaceOrTwoAnchors(t *testing.T) {
	generic := content.Post{Role: content.RoleProduct, Hook: "Tem coisa melhor?", Caption: "Tem coisa melhor?\n\nTudo preparado com atenção pra deixar o seu dia mais feliz.\n\nPeça já!"}
	assertResult(t, "generic", result(t, generic, checks.IDSpecific), fail.with("qualquer negócio"))
	generic.Caption += " Aqui em Santa Tereza."
	assertResult(t, "neighbourhood", result(t, generic, checks.IDSpecific), pass.with("Santa Tereza"))
	generic.Caption = "Tem coisa melhor?\n\nDoce de leite de Carmo do Cajuru no recheio."
	assertResult(t, "two facts", result(t, generic, checks.IDSpecific), pass)
	generic.Caption = "Tem coisa melhor?\n\nTudo com Cajuru."
	assertResult(t, "one word", result(t, generic, checks.IDSpecific), fail.with("só cita"))
}

func TestStockPhrasesFile(t *testing.T) {
	if len(checks.StockPhrases) < 40 {
		t.Fatalf("%d stock phrases", len(checks.StockPhrases))
	}
	seen := map[string]bool{}
	for _, sp := range checks.StockPhrases {
		key := checks.Fold(sp.Phrase)
		if seen[key] || len(sp.Why) < 10 {
			t.Errorf("phrase %q: duplicate or no reason (%q)", sp.Phrase, sp.Why)
		}
		seen[key] = true
	}
	one := withCaption("Venha conferir.")
	assertResult(t, "one cliché", result(t, one, checks.IDStockPhrases), warn.with("venha conferir"))
	two := withCaption("Feito com muito amor. Venha conferir.")
	assertResult(t, "two clichés", result(t, two, checks.IDStockPhrases), fail)
}

func TestNewHookAndDistinctPosts(t *testing.T) {
	in := inputOf(goodPost())
	in.PreviousHooks = []string{"Saiu do forno o bolo de aniversário da Helena."}
	assertResult(t, "same first words", resultIn(t, in, checks.IDNewHook), fail.with("Helena"))
	in.PreviousHooks = []string{"A Kombi branca levou mais um bolo no sábado."}
	assertResult(t, "another opening", resultIn(t, in, checks.IDNewHook), pass)

	twin := goodPost()
	twin.Role = content.RoleStory
	rs := checks.RunRequest(goodContext(), []content.Post{goodPost(), twin})
	for i := range rs {
		r, _ := checks.Find(rs[i], checks.IDDistinctPosts)
		assertResult(t, "identical siblings", r, fail)
	}
	if got := checks.HookSimilarity("Hoje tem bolo!", "hoje tem BOLO 🎂"); got != 1 {
		t.Errorf("similarity of the same words = %.2f", got)
	}
}

func TestRoleFulfilled(t *testing.T) {
	offer := withCaption("Bolo de casamento a R$ 145 o quilo.")
	offer.Role = content.RoleOffer
	assertResult(t, "offer without a reason to act now", result(t, offer, checks.IDRoleFulfilled), fail.with("agir agora"))
	offer.Caption += " Encomendas com 10 dias de antecedência."
	assertResult(t, "offer with the notes' deadline", result(t, offer, checks.IDRoleFulfilled), pass)
	tip := withCaption("Encomendas pelo WhatsApp.")
	tip.Role = content.RoleTip
	assertResult(t, "tip without instruction", result(t, tip, checks.IDRoleFulfilled), warn)
	tip.Caption = strings.Replace(tip.Caption, "Encomendas", "Guarde o bolo longe do sol. Encomendas", 1)
	assertResult(t, "tip with an instruction", result(t, tip, checks.IDRoleFulfilled), pass)
}
