package checks

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rekan/rekan/eval/content"
)

// Caption limits, counted in characters (runes) of the trimmed caption.
const (
	// CaptionMaxRunes is Instagram's hard limit: longer captions are cut.
	CaptionMaxRunes = 2200
	// CaptionMinRecommended and CaptionMaxRecommended bound what reads well
	// in a feed: shorter says too little to be worth a post, longer gets
	// skimmed past the "mais".
	CaptionMinRecommended = 80
	CaptionMaxRecommended = 500
)

func checkCaptionLength(p content.Post) (bool, Severity, string) {
	n := utf8.RuneCountInString(strings.TrimSpace(p.Caption))
	// Operators paste caption and hashtags together (the app copies them as
	// one text), so Instagram's hard limit applies to the sum.
	published := utf8.RuneCountInString(PublishedText(p))
	switch {
	case n == 0:
		return false, SeverityError, "Legenda vazia."
	case n > CaptionMaxRunes:
		return false, SeverityError, fmt.Sprintf("Legenda com %d caracteres: o Instagram corta acima de %d.", n, CaptionMaxRunes)
	case published > CaptionMaxRunes:
		return false, SeverityError, fmt.Sprintf("Legenda e hashtags somam %d caracteres: o Instagram corta acima de %d.", published, CaptionMaxRunes)
	case n < CaptionMinRecommended:
		return false, SeverityWarning, fmt.Sprintf("Legenda com %d caracteres: curta demais, o ideal é entre %d e %d.", n, CaptionMinRecommended, CaptionMaxRecommended)
	case n > CaptionMaxRecommended:
		return false, SeverityWarning, fmt.Sprintf("Legenda com %d caracteres: longa, o ideal é entre %d e %d.", n, CaptionMinRecommended, CaptionMaxRecommended)
	}
	return true, "", fmt.Sprintf("Legenda com %d caracteres.", n)
}

// PublishedText is what the operator pastes into Instagram: the caption, a
// blank line, then the hashtags separated by spaces.
func PublishedText(p content.Post) string {
	caption := strings.TrimSpace(p.Caption)
	if len(p.Hashtags) == 0 {
		return caption
	}
	return caption + "\n\n" + strings.Join(p.Hashtags, " ")
}

// NoteMinRunes is the shortest production note that can say what to shoot
// and how ("Foto do bolo" is not enough to act on).
const NoteMinRunes = 20

func checkProductionNote(p content.Post) (bool, Severity, string) {
	n := utf8.RuneCountInString(strings.TrimSpace(p.ProductionNote))
	switch {
	case n == 0:
		return false, SeverityError, "Sem nota de produção: falta dizer como fotografar ou filmar."
	case n < NoteMinRunes:
		return false, SeverityWarning, fmt.Sprintf("Nota de produção com %d caracteres: curta demais para orientar a foto (mínimo %d).", n, NoteMinRunes)
	}
	return true, "", "Nota de produção presente."
}
