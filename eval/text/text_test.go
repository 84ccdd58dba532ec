package text_test

import (
	"slices"
	"testing"

	"github.com/rekan/rekan/eval/text"
)

func TestTrim(t *testing.T) {
	cases := []struct{ in, want string }{
		{"  bolo  ", "bolo"},
		{"\u200b", ""},
		{"\ufeff\u200b\u200c\u200d\u2060", ""},
		{"\u00a0\u2003\u3000\u2028\u2029", ""},
		{"\u00ad\u180e\u202e\u2066", ""},
		{"\u3164\u115f\u2800", ""},
		{"\x00\x01\t\r\n", ""},
		{"\u200bbolo de pote\ufeff", "bolo de pote"},
		// Inside text they stay: an emoji sequence needs its joiner.
		{"👩\u200d🍳 chef", "👩\u200d🍳 chef"},
		{"ação", "ação"},
		// Default_Ignorable_Code_Point marks: variation selectors, the
		// combining grapheme joiner, Khmer inherent vowels, the variation
		// selectors supplement, a tag character.
		{"\ufe0f\u034f\u17b4\u17b5\U000e0100\U000e01ef\U000e0041", ""},
		{"\u034fbolo\ufe0e", "bolo\ufe0e"},
		// A closing emoji keeps its presentation selector.
		{"obrigada ❤\ufe0f \u200b", "obrigada ❤\ufe0f"},
	}
	for _, c := range cases {
		if got := text.Trim(c.in); got != c.want {
			t.Errorf("Trim(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if !text.HasBlank("bo\u200bla") || text.HasBlank("bolo") {
		t.Error("HasBlank")
	}
}

func TestSplitList(t *testing.T) {
	cases := map[string][]string{
		"":                         {},
		" , ,":                     {},
		"a, b,c":                   {"a", "b", "c"},
		"X-Forwarded-For,\u200b":   {"X-Forwarded-For"},
		" 10.0.0.0/8 , 127.0.0.1 ": {"10.0.0.0/8", "127.0.0.1"},
	}
	for in, want := range cases {
		if got := text.SplitList(in); got == nil || !slices.Equal(got, want) {
			t.Errorf("SplitList(%q) = %#v, want %q", in, got, want)
		}
	}
}
