package agenda_test

import (
	"testing"

	"github.com/rekan/rekan/api/internal/agenda"
	"github.com/rekan/rekan/api/internal/calendar"
)

func TestNamesOccasion(t *testing.T) {
	mothers, _ := calendar.Default.Occasion("dia-das-maes")
	for text, want := range map[string]bool{
		"dia-das-maes":              true,
		"Dia das Mães":              true,
		"DIA DAS MAES 2026":         true,
		"posts para o dia das mães": true,
		"Dia dos Pais":              false,
		"mães":                      false,
		"":                          false,
	} {
		if got := agenda.NamesOccasion(text, mothers); got != want {
			t.Errorf("NamesOccasion(%q) = %v, want %v", text, got, want)
		}
	}
}
