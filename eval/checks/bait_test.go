package checks_test

import (
	"testing"

	"github.com/rekan/rekan/eval/checks"
)

func TestEngagementBait(t *testing.T) {
	body := "Bolo de casamento de três andares, rosa e dourado.\n\n"
	cases := []struct {
		name    string
		caption string
		want    want
	}{
		{"share", body + "Curta e compartilhe!", warn.with("\u201cCurta e compartilhe!\u201d")},
		{"tag a friend", body + "Marque um amigo que ama bolo 🎂", warn},
		{"tag here", body + "Marca aqui quem toma com peixe frito.", warn},
		{"comment, caps and accents", body + "COMENTA AÍ qual seu sabor favorito", warn},
		{"comment here", body + "Comente aqui o que achou", warn},
		{"save", body + "Salve este post pra não esquecer!", warn},
		{"share with", body + "Compartilhe com quem vai casar este ano.", warn},
		{"like", body + "Deixe seu like ❤️", warn},
		{"follow", body + "Siga a gente para mais novidades.", warn},
		{"bait then hashtags", body + "Curta e compartilhe!\n\n#docesdalu #bolo #bh", warn},
		{"bait then blank lines", body + "Comenta aí!\n\n\n", warn},
		{"specific call to action", body + "Encomendas pelo WhatsApp até sexta.", pass.with("não é isca")},
		{"booking", body + "Marque seu horário pelo WhatsApp.", pass},
		{"bait not on the closing line", "Curta e compartilhe!\n" + body + "Encomendas pelo WhatsApp até sexta.", pass},
		{"words inside other words", body + "Recomendamos encomendar com antecedência.", pass},
		{"only hashtags", "#a #b #c", pass.with("Sem chamada final")},
		{"empty", "", pass},
	}
	for _, c := range cases {
		p := goodPost()
		p.Caption = c.caption
		assertResult(t, c.name, result(t, p, checks.IDEngagementBait), c.want)
	}
}
