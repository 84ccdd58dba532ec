package checks_test

import (
	"fmt"
	"testing"

	"github.com/rekan/rekan/eval/checks"
)

func tags(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("#confeitaria%d", i)
	}
	return out
}

func TestHashtags(t *testing.T) {
	cases := []struct {
		name     string
		hashtags []string
		caption  string
		want     want
	}{
		{"none", nil, "", fail.with("0 hashtags válidas: use entre 3 e 15.")},
		{"2", tags(2), "", fail.with("2 hashtags")},
		{"3", tags(3), "", pass.with("3 hashtags")},
		{"15", tags(15), "", pass},
		{"16", tags(16), "", fail.with("16 hashtags")},
		{"accents digits underscore", []string{"#pãodequeijo", "#bolo_caseiro", "#top10", "#ConfeitariaBH"}, "", pass},
		{"space inside", []string{"#bolo de pote", "#a", "#b", "#c"}, "", fail.with("\u201c#bolo de pote\u201d")},
		{"no #", []string{"bolo", "#a", "#b", "#c"}, "", fail.with("\u201cbolo\u201d")},
		{"lone #", []string{"#", "#a", "#b", "#c"}, "", fail},
		{"punctuation", []string{"#bolo!", "#a", "#b", "#c"}, "", fail},
		{"hyphen", []string{"#bolo-caseiro", "#a", "#b", "#c"}, "", fail},
		{"double #", []string{"##bolo", "#a", "#b", "#c"}, "", fail},
		{"digits only", []string{"#2024", "#a", "#b", "#c"}, "", fail.with("\u201c#2024\u201d")},
		{"surrounding spaces are fine", []string{" #a ", "#b", "#c"}, "", pass},
		{"duplicate by case", []string{"#Bolo", "#bolo", "#a", "#b"}, "", warn.with("Hashtag repetida: \u201c#bolo\u201d")},
		{"duplicate by accent", []string{"#café", "#cafe", "#a", "#b"}, "", warn.with("#cafe")},
		{"duplicate decomposed", []string{"#caf\u00e9", "#cafe\u0301", "#a", "#b"}, "", warn},
		{"invalid and too few", []string{"#a", "b c"}, "", fail.with("1 hashtag válida")},
		{"caption tags count", []string{"#a", "#b"}, "Bolo novo no #SantaTereza hoje.", pass.with("3 hashtags")},
		{"caption tags push over 15", tags(15), "Hoje tem #bolo.", fail.with("16 hashtags")},
		{"caption repeats a field tag", []string{"#a", "#b", "#bolo"}, "Hoje tem #Bolo.", warn.with("#Bolo")},
		{"order number is not a tag", tags(2), "Pedido #2 entregue.", fail.with("2 hashtags")},
		{"caption hashtag line", tags(2), "Texto.\n#docesdalu #bh", pass.with("4 hashtags")},
	}
	for _, c := range cases {
		p := goodPost()
		p.Hashtags = c.hashtags
		p.Caption = "Legenda sem hashtags, longa o bastante para não importar aqui. " + c.caption
		// Without a profile only the format rules apply (the topic rule
		// has nothing to compare with; TestHashtagsOnTopic covers it).
		assertResult(t, c.name, resultIn(t, checks.Input{Post: p}, checks.IDHashtags), c.want)
	}
}

func TestValidHashtag(t *testing.T) {
	for tag, valid := range map[string]bool{
		"#bolo": true, "#Bolo_2": true, "#ação": true, "#açaí10": true, "#_x": true,
		"": false, "#": false, "bolo": false, "#bo lo": false, "#bo.lo": false, "#12": false, "#🎂": false, "#a#b": false,
	} {
		if got := checks.ValidHashtag(tag); got != valid {
			t.Errorf("ValidHashtag(%q) = %v", tag, got)
		}
	}
}
