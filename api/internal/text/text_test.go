package text_test

import (
	"testing"

	"github.com/rekan/rekan/api/internal/text"
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
