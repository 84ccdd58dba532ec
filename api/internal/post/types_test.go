package post_test

import (
	"slices"
	"testing"

	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/eval/content"
)

func TestSuggestTypes(t *testing.T) {
	cases := []struct {
		name      string
		brief     string
		photos    int
		offerings []string
		recent    []content.Role
		n         int
		want      []content.Role
		fitting   []content.Role
	}{
		// The brief of the issue: a price and a deadline make an oferta.
		{"price and deadline", "corte + barba por R$ 60 só nesta sexta", 0, nil, []content.Role{"historia"}, 1,
			[]content.Role{"oferta"}, []content.Role{"oferta"}},
		// A wedding cake with photos is a produto; the rotation stays among fitting types.
		{"one product with photos", "bolo de casamento de três andares", 2, nil, nil, 2,
			[]content.Role{"produto", "bastidores"}, []content.Role{"produto"}},
		{"a named offering", "o brigadeiro gourmet voltou", 0, []string{"Brigadeiro gourmet"}, nil, 1,
			[]content.Role{"produto"}, []content.Role{"produto"}},
		{"offer and product, three posts", "bolo de pote com 20% de desconto até sábado", 1, nil, nil, 3,
			[]content.Role{"oferta", "produto", "bastidores"}, []content.Role{"oferta", "produto"}},
		{"a tip", "dica de como conservar o bolo na geladeira", 0, nil, nil, 1,
			[]content.Role{"dica"}, []content.Role{"dica"}},
		{"nothing specific rotates over every type after the recent one", "bom dia", 0, nil, []content.Role{"dica"}, 3,
			[]content.Role{"oferta", "comunidade", "produto"}, content.Roles},
		{"community and backstage, rotating after the recent", "preparando tudo para a feira do bairro", 0, nil, []content.Role{"bastidores"}, 2,
			[]content.Role{"comunidade", "bastidores"}, []content.Role{"bastidores", "comunidade"}},
	}
	for _, c := range cases {
		s := post.SuggestTypes(c.brief, c.photos, c.offerings, c.recent, c.n)
		if !slices.Equal(s.Types, c.want) || !slices.Equal(s.Fitting, c.fitting) || len(s.Reasons) == 0 || len(s.Order) != len(content.Roles) {
			t.Errorf("%s: types %v fitting %v reasons %v; want %v, %v", c.name, s.Types, s.Fitting, s.Reasons, c.want, c.fitting)
		}
	}
}

func TestFillTypes(t *testing.T) {
	order := []content.Role{"oferta", "produto", "bastidores", "historia", "dica", "comunidade"}
	for _, c := range []struct {
		chosen []string
		n      int
		want   []content.Role
	}{
		{nil, 2, []content.Role{"oferta", "produto"}},
		{[]string{"dica", ""}, 2, []content.Role{"dica", "oferta"}},
		{[]string{"", "oferta", ""}, 3, []content.Role{"produto", "oferta", "bastidores"}},
	} {
		if got := post.FillTypes(c.chosen, order, c.n); !slices.Equal(got, c.want) {
			t.Errorf("FillTypes(%q) = %v, want %v", c.chosen, got, c.want)
		}
	}
}
