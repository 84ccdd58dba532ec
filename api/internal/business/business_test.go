package business_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rekan/rekan/api/internal/business"
)

func TestNormalizePhone(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"(11) 98765-4321", "5511987654321", true},
		{"+55 11 98765-4321", "5511987654321", true},
		{"11987654321", "5511987654321", true},
		{"5511987654321", "5511987654321", true},
		{"011 98765-4321", "5511987654321", true},
		{"0055 11 98765-4321", "5511987654321", true},
		{"(85) 3224-5678", "558532245678", true},
		{"+1 415 555 0100", "14155550100", true},
		{"+351 912 345 678", "351912345678", true},
		{"12345", "", false},
		{"(11) 8765-43210", "", false},       // 9 digits must start with 9
		{"(01) 98765-4321", "", false},       // no area code has a zero
		{"551198765432100", "", false},       // too long
		{"11 98765-4321 ramal 2", "", false}, // letters
		{"+55 11 98765", "", false},
		{"+1 23", "", false},
	}
	for _, c := range cases {
		got, err := business.NormalizePhone(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestNormalizeState(t *testing.T) {
	if len(business.States) != 27 {
		t.Fatalf("%d UFs, want 27", len(business.States))
	}
	for in, want := range map[string]bool{"sp": true, " RJ ": true, "df": true, "XX": false, "São Paulo": false, "": false} {
		if _, ok := business.NormalizeState(in); ok != want {
			t.Errorf("NormalizeState(%q) ok=%v, want %v", in, ok, want)
		}
	}
}

func TestParseServices(t *testing.T) {
	good := map[string]int{
		``:     0,
		`null`: 0,
		`[]`:   0,
		`[{"name":"Corte","price_brl":35},{"name":"Barba","price_brl":null},{"name":"Pacote"}]`: 3,
		`[{"name":"Grátis","price_brl":0,"extra":"dropped"}]`:                                   1,
	}
	for in, n := range good {
		got, err := business.ParseServices([]byte(in))
		if err != nil || len(got) != n {
			t.Errorf("ParseServices(%s) = %v, %v; want %d services", in, got, err, n)
		}
	}
	for _, in := range []string{`{}`, `"corte"`, `[{"price_brl":10}]`, `[{"name":"  "}]`, `[{"name":"x","price_brl":-0.01}]`, `[{"name":"x","price_brl":"10"}]`, `[1]`} {
		if _, err := business.ParseServices([]byte(in)); err == nil {
			t.Errorf("ParseServices(%s) accepted", in)
		}
	}
}

func TestParseFacts(t *testing.T) {
	got, err := business.ParseFacts([]byte(`[" forno a lenha ", "", "desde 1998"]`))
	if err != nil || len(got) != 2 || got[0] != "forno a lenha" {
		t.Errorf("ParseFacts = %v, %v", got, err)
	}
	for _, in := range []string{`"x"`, `[1]`, `{"a":"b"}`} {
		if _, err := business.ParseFacts([]byte(in)); err == nil {
			t.Errorf("ParseFacts(%s) accepted", in)
		}
	}
}

func TestParseServicesUnit(t *testing.T) {
	got, err := business.ParseServices([]byte(`[{"name":"Pão de queijo","price_brl":80,"unit":" cento "},{"name":"Bolo","unit":null}]`))
	if err != nil || len(got) != 2 || got[0].Unit != "cento" || got[1].Unit != "" {
		t.Errorf("ParseServices with units = %+v, %v", got, err)
	}
	for _, in := range []string{`[{"name":"x","unit":3}]`, `[{"name":"x","unit":"` + strings.Repeat("k", 31) + `"}]`} {
		if _, err := business.ParseServices([]byte(in)); err == nil {
			t.Errorf("ParseServices(%s) accepted", in)
		}
	}
}

func TestParseDeliveryAreas(t *testing.T) {
	got, err := business.ParseDeliveryAreas([]byte(`[" Batel ", "", "Água Verde", "Batel"]`))
	if err != nil || len(got) != 2 || got[0] != "Batel" || got[1] != "Água Verde" {
		t.Errorf("ParseDeliveryAreas = %v, %v", got, err)
	}
	if got, err := business.ParseDeliveryAreas(nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("no areas = %v, %v", got, err)
	}
	tooMany := `["`
	for i := 0; i < 31; i++ {
		tooMany += fmt.Sprintf(`x%d","`, i)
	}
	tooMany = strings.TrimSuffix(tooMany, `,"`) + `]`
	for _, in := range []string{`"Batel"`, `[1]`, `["` + strings.Repeat("a", 81) + `"]`, tooMany} {
		if _, err := business.ParseDeliveryAreas([]byte(in)); err == nil {
			t.Errorf("ParseDeliveryAreas(%.40s…) accepted", in)
		}
	}
}

func TestNormalizeMobile(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"(11) 98765-4321", "5511987654321", true},
		{"+55 85 99123-4567", "5585991234567", true},
		{"(85) 3224-5678", "", false},    // landline
		{"+1 415 555 0100", "", false},   // foreign
		{"(11) 8765-4321", "", false},    // old 8-digit mobile
		{"11 98765-432", "", false},      // short
		{"(00) 98765-4321", "", false},   // no such DDD
		{"ana 11 98765-4321", "", false}, // letters
	}
	for _, c := range cases {
		got, err := business.NormalizeMobile(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("NormalizeMobile(%q) = %q, %v; want %q ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}
