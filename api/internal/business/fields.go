package business

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
		if raw, ok := item["unit"]; ok && !isEmptyJSON(raw) {
			var unit string
			if err := json.Unmarshal(raw, &unit); err != nil {
				return nil, fmt.Errorf("A unidade do serviço %d deve ser um texto (cento, kg, unidade…).", i+1)
			}
			unit = text.Trim(unit)
			if utf8.RuneCountInString(unit) > content.MaxOfferingUnitRunes {
				return nil, fmt.Errorf("A unidade do serviço %d passa de %d caracteres.", i+1, content.MaxOfferingUnitRunes)
			}
			service.Unit = unit
		}
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
	return parseTexts(raw, textList{
		maxItems: content.MaxFacts, maxRunes: content.MaxFactRunes,
		typeMsg:  "Os diferenciais devem ser uma lista de textos.",
		itemMsg:  "Cada diferencial pode ter no máximo %d caracteres.",
		countMsg: "No máximo %d diferenciais.",
	})
}

// ParseDeliveryAreas validates the delivery areas JSON: a list of names
// (neighbourhoods, towns). Blank entries are dropped, the rest trimmed and
// repeated names kept once.
func ParseDeliveryAreas(raw []byte) ([]string, error) {
	return parseTexts(raw, textList{
		maxItems: content.MaxDeliveryAreas, maxRunes: content.MaxDeliveryAreaRunes, unique: true,
		typeMsg:  "As áreas de entrega devem ser uma lista de bairros ou cidades.",
		itemMsg:  "Cada área de entrega pode ter no máximo %d caracteres.",
		countMsg: "No máximo %d áreas de entrega.",
	})
}

// textList says how a JSON list of texts is bounded and what to tell the
// operator when it is not.
type textList struct {
	maxItems, maxRunes         int
	unique                     bool
	typeMsg, itemMsg, countMsg string
}

func parseTexts(raw []byte, l textList) ([]string, error) {
	if isEmptyJSON(raw) {
		return []string{}, nil
	}
	var items []string
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, errors.New(l.typeMsg)
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		item = text.Trim(item)
		if item == "" || (l.unique && slices.Contains(out, item)) {
			continue
		}
		if utf8.RuneCountInString(item) > l.maxRunes {
			return nil, fmt.Errorf(l.itemMsg, l.maxRunes)
		}
		out = append(out, item)
	}
	if len(out) > l.maxItems {
		return nil, fmt.Errorf(l.countMsg, l.maxItems)
	}
	return out, nil
}

func isEmptyJSON(raw []byte) bool {
	trimmed := bytes.TrimSpace(raw)
	return len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null"))
}
