package checks_test

import (
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/checks"
)

func TestCountEmoji(t *testing.T) {
	cases := map[string]int{
		"":                 0,
		"bolo de pote":     0,
		"2024 #bolo # * ©": 0,
		"🎂":                1,
		"🎂🎉":               2,
		"❤":                1,
		"❤️":               1,
		"©️":               1,
		"👍🏽":               1,
		"👩‍🍳":              1,
		"👨‍👩‍👧‍👦":          1,
		"🏳️‍🌈":             1,
		"🇧🇷":               1,
		"🇧🇷🇵🇹":             2,
		"1️⃣":              1,
		"#️⃣":              1,
		"✔ feito ✨ pronto": 2,
		"a\u200db":         0,
	}
	for in, want := range cases {
		if got := checks.CountEmoji(in); got != want {
			t.Errorf("CountEmoji(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestEmojiDensity(t *testing.T) {
	// pad returns text of n characters with no emoji and no sentence end.
	pad := func(n int) string { return strings.Repeat("a", n) }
	cases := []struct {
		name    string
		caption string
		want    want
	}{
		{"none", "Bolo de pote.", pass.with("Sem emojis.")},
		{"2 in 120: exactly one per 60", pad(118) + "🎂🎉", pass.with("2 emojis em 120 caracteres")},
		{"2 in 119", pad(117) + "🎂🎉", warn.with("2 emojis em 119 caracteres: mais de 1 a cada 60 caracteres.")},
		{"zwj sequence counts once", pad(59) + "👩‍🍳", pass},
		{"1 in 59", pad(58) + "🎂", warn},
		{"every line ends with emoji", "Bolo novo saindo do forno hoje cedo 🎂\n" + pad(80) + " morango 🍓\n" + pad(80) + " pronto ✨", warn.with("Todas as 3 frases terminam com emoji")},
		{"every sentence ends with emoji, after punctuation", "Bolo novo saindo do forno hoje! 🎂 " + pad(80) + " morango. 🍓 " + pad(80) + " pronto ✨", warn.with("Todas as 3 frases")},
		{"one sentence not ending in emoji", "Bolo novo saindo do forno 🎂\n" + pad(80) + " morango 🍓\n" + pad(80) + " encomendas pelo WhatsApp.", pass},
		{"single sentence ending in emoji", pad(100) + " 🎂", pass},
		{"emoji at line start", "🎂 Bolo novo saindo do forno hoje.\n🍓 " + pad(100) + ".", pass},
		{"hashtag line ignored", "Bolo novo saindo do forno hoje 🎂\n" + pad(100) + ".\n#bolo #doce", pass},
	}
	for _, c := range cases {
		p := goodPost()
		p.Caption = c.caption
		assertResult(t, c.name, result(t, p, checks.IDEmojiDensity), c.want)
	}
}
