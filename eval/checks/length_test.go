package checks_test

import (
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

// runes builds a caption of exactly n characters with two-byte letters, so
// counting bytes instead of characters would move every boundary.
func runes(n int) string { return strings.Repeat("ã", n) }

func TestCaptionLength(t *testing.T) {
	cases := []struct {
		name    string
		caption string
		want    want
	}{
		{"empty", "", fail.with("Legenda vazia.")},
		{"only spaces", " \n\t ", fail.with("vazia")},
		{"1", runes(1), warn.with("curta")},
		{"79", runes(79), warn.with("79 caracteres")},
		{"80", runes(80), pass.with("80 caracteres")},
		{"80 with surrounding spaces", "\n  " + runes(80) + "  \n", pass},
		{"500", runes(500), pass},
		{"501", runes(501), warn.with("501 caracteres: longa")},
		{"2200", runes(2200), warn.with("longa")},
		{"2201", runes(2201), fail.with("Legenda com 2201 caracteres: o Instagram corta acima de 2200.")},
		{"2350", runes(2350), fail.with("Legenda com 2350 caracteres: o Instagram corta acima de 2200.")},
		{"emoji count as one character", strings.Repeat("🎂", 2201), fail.with("2201")},
	}
	for _, c := range cases {
		p := goodPost()
		p.Caption = c.caption
		p.Hashtags = nil // the boundaries above are about the caption alone
		assertResult(t, c.name, result(t, p, checks.IDCaptionLength), c.want)
	}
}

func TestCaptionLengthCountsPublishedHashtags(t *testing.T) {
	tags := []string{"#bolo", "#bh"} // "\n\n#bolo #bh" adds 11 characters
	cases := []struct {
		name    string
		caption string
		want    want
	}{
		{"2189 plus hashtags is 2200", runes(2189), warn.with("longa")},
		{"2190 plus hashtags is 2201", runes(2190), fail.with("Legenda e hashtags somam 2201 caracteres")},
	}
	for _, c := range cases {
		p := goodPost()
		p.Caption = c.caption
		p.Hashtags = tags
		assertResult(t, c.name, result(t, p, checks.IDCaptionLength), c.want)
	}
	if got := checks.PublishedText(content.Post{Caption: " oi ", Hashtags: tags}); got != "oi\n\n#bolo #bh" {
		t.Errorf("PublishedText = %q", got)
	}
}

func TestProductionNote(t *testing.T) {
	cases := []struct {
		name string
		note string
		want want
	}{
		{"empty", "", fail},
		{"spaces", "   ", fail},
		{"19", strings.Repeat("é", 19), warn.with("19 caracteres")},
		{"20", strings.Repeat("é", 20), pass},
		{"short", "Foto do bolo", warn},
		{"concrete", "Vídeo de 10 segundos das mãos decorando o bolo, luz da janela.", pass},
	}
	for _, c := range cases {
		p := goodPost()
		p.ProductionNote = c.note
		assertResult(t, c.name, result(t, p, checks.IDProductionNote), c.want)
	}
}
