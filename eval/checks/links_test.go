package checks_test

import (
	"testing"

	"github.com/rekan/rekan/eval/checks"
)

func TestNoLinks(t *testing.T) {
	cases := []struct {
		text string
		want want
	}{
		{"Veja em https://docesdalu.com.br/cardapio hoje.", fail.with("\u201chttps://docesdalu.com.br/cardapio\u201d")},
		{"Veja em HTTP://LOJA.COM hoje.", fail},
		{"Site: www.docesdalu.com.br.", fail.with("\u201cwww.docesdalu.com.br\u201d")},
		{"Acesse docesdalu.com.br e escolha.", fail.with("\u201cdocesdalu.com.br\u201d")},
		{"Cardápio em loja.com", fail},
		{"Chama no wa.me/5531999990000 agora.", fail.with("\u201cwa.me/5531999990000\u201d")},
		{"Link curto: bit.ly/bolo", fail},
		{"Siga instagram.com/docesdalu.", fail.with("instagram.com/docesdalu")},
		{"Dois links: loja.com e outra.net.", fail.with("Links na legenda")},
		{"Escreva para contato@docesdalu.com.br se preferir.", pass},
		{"Siga @docesdalu e @doces.da.lu no Instagram.", pass},
		{"Siga @loja.com no Instagram.", pass},
		{"Hashtag #docesdalu no final.", pass},
		{"Bolo no ateliê.Com certeza vale.", pass},
		{"Custa R$ 10.50 o pedaço e pesa 1.5kg.", pass},
		{"O Sr. João chegou. Fim.", pass.with("Nenhum link")},
		{"Empresa.Company não é link.", pass},
		{"maria.company não é domínio com .com", pass},
	}
	for _, c := range cases {
		p := goodPost()
		p.Caption = c.text
		assertResult(t, c.text, result(t, p, checks.IDNoLinks), c.want)
	}
}

func TestNoLinksReadsHook(t *testing.T) {
	p := goodPost()
	p.Hook = "Novidade em docesdalu.com.br"
	assertResult(t, "hook", result(t, p, checks.IDNoLinks), fail)
}
