package content_test

import (
	"slices"
	"testing"

	"github.com/rekan/rekan/eval/content"
)

// TestParseHashtags is the operator's path (a post edit): blanks are
// trimmed, anything that is not one word is refused.
func TestParseHashtags(t *testing.T) {
	good := map[string][]string{
		``:                               {},
		`null`:                           {},
		`[]`:                             {},
		`["bolo","#festa","##doce"]`:     {"#bolo", "#festa", "#doce"},
		`[" #confeitaria ", "", "#"]`:    {"#confeitaria"},
		`["#sãopaulo","#café_da_tarde"]`: {"#sãopaulo", "#café_da_tarde"},
	}
	for in, want := range good {
		got, err := content.ParseHashtags([]byte(in))
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseHashtags(%s) = %v, %v; want %v", in, got, err, want)
		}
	}
	tooMany := `[` + `"a",`
	for range 30 {
		tooMany += `"a",`
	}
	tooMany += `"a"]`
	for _, in := range []string{`"#bolo"`, `[1]`, `["#bolo de pote"]`, `{"a":1}`, tooMany} {
		if _, err := content.ParseHashtags([]byte(in)); err == nil {
			t.Errorf("ParseHashtags(%.40s) accepted", in)
		}
	}
}

func TestParseHashtagsOfInvisibleCharacters(t *testing.T) {
	tags, err := content.ParseHashtags([]byte(`["\u200b", "#\ufeff", "\u200b#bolo\u200b"]`))
	if err != nil || !slices.Equal(tags, []string{"#bolo"}) {
		t.Errorf("got %q %v", tags, err)
	}
	if _, err := content.ParseHashtags([]byte(`["bo\u200bla"]`)); err == nil {
		t.Error("a hashtag with a zero-width space inside was accepted")
	}
}

// TestRepairHashtags is the model's path: nothing is refused, what can be
// repaired is.
func TestRepairHashtags(t *testing.T) {
	got := content.RepairHashtags([]string{"bolo", "#doce de leite", "##Bolo", "", "#", " # BH ", "\u200b"})
	want := []string{"#bolo", "#docedeleite", "#BH"}
	if !slices.Equal(got, want) {
		t.Errorf("RepairHashtags = %q, want %q", got, want)
	}
}
