package business

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/text"
)

// States are the 27 federative units of Brazil (the calendar's list, so a
// business's state and a regional date's state are the same codes).
var States = calendar.States

// NormalizeState uppercases a UF and reports whether it exists.
func NormalizeState(raw string) (string, bool) {
	uf := strings.ToUpper(text.Trim(raw))
	for _, known := range States {
		if uf == known {
			return uf, true
		}
	}
	return uf, false
}

// ParseServices validates the services JSON: a list of objects with a
// non-empty name and a price in reais that is a number ≥ 0 or null. It
// returns the canonical list (names trimmed, unknown keys dropped).
func ParseServices(raw []byte) ([]content.Offering, error) {
	if isEmptyJSON(raw) {
		return []content.Offering{}, nil
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, errors.New("Serviços devem ser uma lista de objetos com nome e preço.")
	}
	if len(items) > content.MaxOfferings {
		return nil, fmt.Errorf("No máximo %d serviços.", content.MaxOfferings)
	}
	services := make([]content.Offering, 0, len(items))
	for i, item := range items {
		var name string
		if err := json.Unmarshal(item["name"], &name); err != nil || text.Trim(name) == "" {
			return nil, fmt.Errorf("O serviço %d precisa de um nome.", i+1)
		}
		name = text.Trim(name)
		if utf8.RuneCountInString(name) > content.MaxOfferingNameRunes {
			return nil, fmt.Errorf("O nome do serviço %d passa de %d caracteres.", i+1, content.MaxOfferingNameRunes)
		}
		service := content.Offering{Name: name}
		if price, ok := item["price_brl"]; ok && !isEmptyJSON(price) {
			var value float64
			if err := json.Unmarshal(price, &value); err != nil || value < 0 {
				return nil, fmt.Errorf("O preço do serviço %d deve ser um número maior ou igual a zero.", i+1)
			}
			service.PriceBRL = &value
		}
		services = append(services, service)
	}
	return services, nil
}

// ParseFacts validates the facts JSON: a list of strings. Blank entries are
// dropped and the rest trimmed.
func ParseFacts(raw []byte) ([]string, error) {
	if isEmptyJSON(raw) {
		return []string{}, nil
	}
	var items []string
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, errors.New("Os diferenciais devem ser uma lista de textos.")
	}
	facts := make([]string, 0, len(items))
	for _, item := range items {
		item = text.Trim(item)
		if item == "" {
			continue
		}
		if utf8.RuneCountInString(item) > content.MaxFactRunes {
			return nil, fmt.Errorf("Cada diferencial pode ter no máximo %d caracteres.", content.MaxFactRunes)
		}
		facts = append(facts, item)
	}
	if len(facts) > content.MaxFacts {
		return nil, fmt.Errorf("No máximo %d diferenciais.", content.MaxFacts)
	}
	return facts, nil
}

func isEmptyJSON(raw []byte) bool {
	trimmed := bytes.TrimSpace(raw)
	return len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null"))
}
