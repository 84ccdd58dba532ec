package post_test

import (
	"slices"
	"testing"

	"github.com/rekan/rekan/api/internal/post"
)

func TestNormalizeHashtags(t *testing.T) {
	good := map[string][]string{
		``:                               {},
		`null`:                           {},
		`[]`:                             {},
		`["bolo","#festa","##doce"]`:     {"#bolo", "#festa", "#doce"},
		`[" #confeitaria ", "", "#"]`:    {"#confeitaria"},
		`["#sãopaulo","#café_da_tarde"]`: {"#sãopaulo", "#café_da_tarde"},
	}
	for in, want := range good {
		got, err := post.NormalizeHashtags([]byte(in))
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("NormalizeHashtags(%s) = %v, %v; want %v", in, got, err, want)
		}
	}
	tooMany := `[` + `"a",`
	for range 30 {
		tooMany += `"a",`
	}
	tooMany += `"a"]`
	for _, in := range []string{`"#bolo"`, `[1]`, `["#bolo de pote"]`, `{"a":1}`, tooMany} {
		if _, err := post.NormalizeHashtags([]byte(in)); err == nil {
			t.Errorf("NormalizeHashtags(%.40s) accepted", in)
		}
	}
}
