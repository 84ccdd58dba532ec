package checks_test

import (
	"testing"

	"github.com/rekan/rekan/eval/checks"
)

func TestBrazilianPortuguese(t *testing.T) {
	cases := []struct {
		text string
		want want
	}{
		// European Portuguese, one term each: warnings naming the term.
		{"Estou a fazer um bolo novo para o fim de semana.", warn.with("\u201cestou a fazer\u201d (no Brasil: gerúndio")},
		{"Estamos sempre a inventar sabores.", warn.with("estamos sempre a inventar")},
		{"A Lu está a preparar as encomendas.", warn.with("está a preparar")},
		{"Ando a pensar num sabor novo.", warn.with("ando a pensar")},
		{"O bolo está a ser decorado.", warn.with("está a ser")},
		{"Ligue para o meu telemóvel.", warn.with("\u201ctelemóvel\u201d (no Brasil: celular)")},
		{"Ligue para o meu TELEMOVEL.", warn.with("telemovel")},
		{"Perfeito para o pequeno-almoço.", warn.with("pequeno-almoço")},
		{"Perfeito para o pequeno almoço.", warn.with("pequeno almoço")},
		{"Fica perto da paragem do autocarro.", warn.with("autocarro")},
		{"A nossa equipa trabalha com carinho.", warn.with("equipa")},
		{"Fale connosco pelo WhatsApp.", warn.with("connosco")},
		{"De facto, é o melhor bolo.", warn.with("facto")},
		{"Deixe o seu contacto.", warn.with("contacto")},
		{"Veja no ecrã do celular.", warn.with("ecrã")},
		{"A rapariga da loja ajudou.", warn.with("rapariga")},
		{"Esse bolo é fixe demais.", warn.with("fixe")},
		{"A loja tem casa de banho.", warn.with("casa de banho")},
		{"Fica ao lado da estação de comboio.", warn.with("comboio")},
		{"Vós sois bem-vindos.", warn.with("vós")},
		{"Guarde no frigorífico.", warn.with("frigorífico")},
		// Two or more terms: the text is European Portuguese.
		{"Estou a fazer o pequeno-almoço.", fail.with("Termos de Portugal")},
		{"Fale connosco pelo telemóvel.", fail.with("\u201cconnosco\u201d (no Brasil: conosco) e \u201ctelemóvel\u201d (no Brasil: celular)")},
		// Brazilian Portuguese that looks close: must pass.
		{"Estou fazendo um bolo novo.", pass.with("Nenhum termo")},
		{"Entre em contato pelo WhatsApp, de fato é rapidinho.", pass},
		{"Nossa equipe é pequena.", pass},
		{"A gente equipa a cozinha toda semana.", pass},
		{"Fixe o cartaz na parede da loja.", pass},
		{"Tenho muitas coisas a fazer hoje.", pass},
		{"Lista de tarefas a fazer antes da festa.", pass},
		{"O bolo está a partir de R$ 50.", pass},
		{"Estou a par das novidades.", pass},
		{"Estamos a favor do comércio local.", pass},
		{"Estou a caminho da feira.", pass},
		{"Estamos à disposição.", pass},
		{"O brigadeiro está à venda.", pass},
		{"A loja está a dois passos do metrô.", pass},
		{"O fato de ser caseiro faz diferença.", pass},
		{"Deus vos abençoe, vocês são demais.", pass},
		{"Vou de trem até a feira.", pass},
		{"Café da manhã no banheiro não!", pass},
		{"Um pequeno ajuste no almoço.", pass},
		{"Ela sempre está a mil.", pass},
	}
	for _, c := range cases {
		p := goodPost()
		p.Caption = c.text
		p.Hook = c.text
		assertResult(t, c.text, result(t, p, checks.IDBrazilianPortuguese), c.want)
	}
}

func TestBrazilianPortugueseReadsNoteToo(t *testing.T) {
	p := goodPost()
	p.ProductionNote = "Foto do bolo com o telemóvel, luz da janela."
	assertResult(t, "note", result(t, p, checks.IDBrazilianPortuguese), warn.with("telemóvel"))
}
