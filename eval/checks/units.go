package checks

import (
	"regexp"
	"strings"

	"github.com/rekan/rekan/eval/content"
)

// pricedUnit is an offering's price with what it buys.
type pricedUnit struct {
	price float64
	unit  string // canonical (see canonicalUnit), "" when unknown
	name  string // normalised, padded
}

// captionUnit reads the unit written right after a price: "R$ 80 o cento",
// "R$ 12 o quilo", "R$ 9 cada". Folded text.
var captionUnit = regexp.MustCompile(`^\s*(?:(?:o|a|por|cada|/)\s*)?(kg|quilos?|kilo|cento|unidades?|unid|fatias?|pedacos?|potes?|bolas?|duzias?|litros?|caixas?|pacotes?|buques?|100\s*g)\b|^\s*(cada)\b`)

// canonicalUnit writes the ways of naming one unit alike.
func canonicalUnit(u string) string {
	u = strings.TrimSpace(Fold(u))
	u = strings.Join(strings.Fields(u), "")
	switch {
	case u == "":
		return ""
	case u == "kg" || strings.HasPrefix(u, "quilo") || u == "kilo":
		return "kg"
	case strings.HasPrefix(u, "unid") || u == "un" || u == "cada":
		return "unidade"
	case strings.HasPrefix(u, "pedaco") || strings.HasPrefix(u, "fatia"):
		return "fatia"
	}
	return strings.TrimSuffix(strings.TrimSuffix(u, "es"), "s")
}

// offeringUnits lists the priced offerings with their unit: the one the
// profile gives, or one read from the name ("bolo (por quilo)").
func offeringUnits(services []content.Offering) []pricedUnit {
	var out []pricedUnit
	for _, s := range services {
		if s.PriceBRL == nil {
			continue
		}
		name := normalizeForPhrases(s.Name)
		unit := canonicalUnit(s.Unit)
		if unit == "" {
			for _, w := range []string{"kg", "quilo", "cento", "fatia", "duzia"} {
				if strings.Contains(name, " "+w) {
					unit = canonicalUnit(w)
					break
				}
			}
		}
		out = append(out, pricedUnit{price: *s.PriceBRL, unit: unit, name: name})
	}
	return out
}

// unitMismatch reports, for a caption price followed by a unit, the unit
// the profile gives that same price when none of the offerings with that
// price is sold by the caption's unit ("R$ 80 o quilo" when R$ 80 is the
// hundred). "" when the price has no unit, or one of them matches.
func (s *source) unitMismatch(folded string, m match) string {
	um := captionUnit.FindStringSubmatch(folded[m.end:])
	if um == nil || containsValue(s.briefAmounts, m.value) {
		return ""
	}
	written := um[1] + um[2]
	unit := canonicalUnit(written)
	profileUnit := ""
	for _, p := range s.units {
		if !sameValue(p.price, m.value) {
			continue
		}
		if p.unit == "" || p.unit == unit || strings.Contains(p.name, " "+strings.TrimSuffix(Fold(written), "s")) {
			return ""
		}
		profileUnit = p.unit
	}
	return profileUnit
}
