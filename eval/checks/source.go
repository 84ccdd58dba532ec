package checks

import (
	"math"

	"github.com/rekan/rekan/eval/content"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// source is what a post may state as fact: the business profile and the
// brief, folded once so every check compares like with like.
type source struct {
	// text is the profile and brief together, folded.
	text string
	// brief is the brief alone, folded.
	brief string
	// amounts are the prices and the amounts in reais the profile and brief
	// state; a caption's price must be one of them or follow from them.
	amounts []float64
	// prices are the services' prices; briefAmounts the amounts in reais and
	// briefPercents the percentages the brief mentions (for derived prices:
	// "baixou 5 reais" makes R$ 20 out of R$ 25 true).
	prices, briefAmounts, briefPercents []float64
	percents                            []float64
	durations                           map[string]bool
	dates                               map[string]bool
	days                                map[int]bool
	times                               map[string]bool
	weekdays                            map[string]bool
	phone                               string
	promo                               bool
	free                                bool
	// units are the offerings' prices with what each buys.
	units []pricedUnit
}

var sourceMemo = newMemo[*source](64)

// newSource parses the context's profile and brief, once per distinct text.
func newSource(c Context) *source {
	key := profileText(c) + "\x00" + c.Business.Voice + "\x00" + c.Business.Phone + "\x00" + unitsKey(c.Business.Services)
	return sourceMemo.get(key, func() *source { return parseSource(c) })
}

func unitsKey(services []content.Offering) string {
	var b strings.Builder
	for _, s := range services {
		if s.PriceBRL != nil {
			b.WriteString(strconv.FormatFloat(*s.PriceBRL, 'f', 2, 64))
		}
		b.WriteString("|" + s.Unit + "\n")
	}
	return b.String()
}

func parseSource(c Context) *source {
	b := c.Business
	parts := []string{b.Name, b.Segment, b.City, b.State, b.Neighbourhood, b.Audience, b.Voice, b.Notes, b.OpeningHours, c.Brief}
	for _, s := range b.Services {
		parts = append(parts, s.Name)
	}
	parts = append(parts, b.Facts...)
	parts = append(parts, b.DeliveryAreas...)
	parts = append(parts, c.Confirmed...)
	s := &source{
		text:  digitize(Fold(strings.Join(parts, "\n"))),
		units: offeringUnits(b.Services),
		brief: digitize(Fold(c.Brief)),
		phone: digitsOnly(b.Phone),
	}
	for _, svc := range b.Services {
		if svc.PriceBRL != nil {
			s.prices = append(s.prices, *svc.PriceBRL)
			if *svc.PriceBRL == 0 {
				s.free = true
			}
		}
	}
	for _, m := range findAmounts(s.brief) {
		s.briefAmounts = append(s.briefAmounts, m.value)
	}
	for _, m := range findPercents(s.brief) {
		s.briefPercents = append(s.briefPercents, m.value)
	}
	for _, m := range findPercents(s.text) {
		s.percents = append(s.percents, m.value)
	}
	s.durations = keys(findDurations(s.text))
	s.dates = keys(findDates(s.text))
	s.times = keys(findTimes(s.text))
	// A day named in a negated sentence ("não abre aos domingos") is a day
	// the business is closed, not one a caption may promise.
	affirmative := affirmativeText(s.text)
	s.weekdays = map[string]bool{}
	for _, m := range findWeekdays(affirmative) {
		s.weekdays[m.key] = true
	}
	for _, r := range weekdayRange.FindAllStringSubmatch(affirmative, -1) {
		from, to := weekdayIndex(r[1]), weekdayIndex(r[2])
		for i := from; from >= 0 && to >= 0; i = (i + 1) % len(weekdayKeys) {
			s.weekdays[weekdayKeys[i]] = true
			if i == to {
				break
			}
		}
	}
	s.days = map[int]bool{}
	for _, m := range dayOfMonth.FindAllStringSubmatch(s.text, -1) {
		d, _ := strconv.Atoi(m[1])
		s.days[d] = true
	}
	for key := range s.dates {
		d, _, _ := strings.Cut(key, "/")
		n, _ := strconv.Atoi(d)
		s.days[n] = true
	}
	padded := normalizeForPhrases(s.text)
	for _, t := range sourcePromoHints {
		if strings.Contains(padded, " "+t) {
			s.promo = true
		}
	}
	for _, t := range sourceFreeHints {
		if strings.Contains(padded, " "+t) {
			s.free = true
		}
	}
	if len(s.percents) > 0 {
		s.promo = true
	}
	s.amounts = append(s.amounts, s.prices...)
	for _, m := range findAmounts(s.text) {
		s.amounts = append(s.amounts, m.value)
	}
	return s
}

// allowsPrice reports whether a price in reais is in the profile or brief,
// or follows from them: a listed price minus an amount or a percentage the
// brief gives ("o litro baixou 5 reais").
func (s *source) allowsPrice(v float64) bool {
	if containsValue(s.amounts, v) {
		return true
	}
	for _, p := range s.prices {
		for _, a := range s.briefAmounts {
			if sameValue(p-a, v) {
				return true
			}
		}
		for _, pct := range s.briefPercents {
			if sameValue(math.Round(p*(100-pct))/100, v) {
				return true
			}
		}
	}
	return false
}

func containsValue(list []float64, v float64) bool {
	for _, x := range list {
		if sameValue(x, v) {
			return true
		}
	}
	return false
}

func sameValue(a, b float64) bool { return math.Abs(a-b) < 0.005 }

func keys(ms []match) map[string]bool {
	out := make(map[string]bool, len(ms))
	for _, m := range ms {
		out[m.key] = true
	}
	return out
}

// match is one fact found in a text: what was written, a normalised key and,
// for amounts, the value.
type match struct {
	text  string
	key   string
	value float64
	// end is where the match ends in the searched text (amounts only).
	end int
}

const numberPattern = `(\d{1,3}(?:\.\d{3})+|\d+)(?:[,.](\d{1,2}))?`

var (
	// "R$ 25", "R$25,00", "r$ 1.200" (folded text is lower case).
	symbolAmount = regexp.MustCompile(`r\$\s*` + numberPattern)
	// "25 reais", "25,90 reais", "30 conto".
	wordAmount = regexp.MustCompile(numberPattern + `\s*(?:reais|real|contos?|pila)\b`)
	percent    = regexp.MustCompile(`(\d+(?:,\d+)?)\s*(?:%|por cento)`)
	half       = regexp.MustCompile(`\b(?:pela metade|metade do preco)\b`)
	duration   = regexp.MustCompile(`\b(\d+)\s*(dias?|horas?|semanas?|mes|meses|anos?)\b`)
	// deadline is a duration that promises something: "em 2 dias", "com 10
	// dias de antecedência", "garantia de 3 meses" (not "levou dois dias").
	deadline   = regexp.MustCompile(`(?:\b(?:em|ate|prazo de|com|dentro de|garantia de|por mais|so por|apenas|validade de)\s+(\d+)\s*(dias?|horas?|semanas?|mes|meses|anos?)\b)|(?:\b(\d+)\s*(dias?|horas?|semanas?|mes|meses|anos?)\s+(?:de antecedencia|de garantia|de prazo|para entrega|pra entrega)\b)`)
	slashDate  = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})(?:/\d{2,4})?\b`)
	monthDate  = regexp.MustCompile(`\b(\d{1,2})(?:º|o)?\s+de\s+(janeiro|fevereiro|marco|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro)\b`)
	dayOfMonth = regexp.MustCompile(`\bdia\s+(\d{1,2})\b`)
	clockTime  = regexp.MustCompile(`\b(\d{1,2})(?:h(\d{2})?|:(\d{2}))(?:\b|[^0-9a-z])`)
	// Phones as Brazilians write them: "(11) 98765-4321", "11 98765 4321",
	// "+55 11 987654321", "98765-4321".
	phoneNumber  = regexp.MustCompile(`(?:\+?55[\s.-]?)?(?:\(?\d{2}\)?[\s.-]?)?9?\d{4}[\s.-]?\d{4}\b`)
	weekdayRange = regexp.MustCompile(`\b(?:de\s+)?(segunda|terca|quarta|quinta|sexta|sabado|domingo)(?:-feira)?\s+a\s+(segunda|terca|quarta|quinta|sexta|sabado|domingo)\b`)
	// numberWordHint is the cheap test before numberWord: a unit it counts.
	numberWordHint = regexp.MustCompile(`reais|por cento|dias?\b|horas?\b|semanas?|meses|anos\b`)
	numberWord     = regexp.MustCompile(`\b(um|uma|dois|duas|tres|quatro|cinco|seis|sete|oito|nove|dez|onze|doze|treze|quatorze|catorze|quinze|dezesseis|dezessete|dezoito|dezenove|vinte|trinta|quarenta|cinquenta|cem)\s+(reais|por cento|dias?|horas?|semanas?|meses|anos)\b`)
)

var months = map[string]int{
	"janeiro": 1, "fevereiro": 2, "marco": 3, "abril": 4, "maio": 5, "junho": 6,
	"julho": 7, "agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
}

var numberWords = map[string]string{
	"um": "1", "uma": "1", "dois": "2", "duas": "2", "tres": "3", "quatro": "4", "cinco": "5",
	"seis": "6", "sete": "7", "oito": "8", "nove": "9", "dez": "10", "onze": "11", "doze": "12",
	"treze": "13", "quatorze": "14", "catorze": "14", "quinze": "15", "dezesseis": "16",
	"dezessete": "17", "dezoito": "18", "dezenove": "19", "vinte": "20", "trinta": "30",
	"quarenta": "40", "cinquenta": "50", "cem": "100",
}

// digitize writes number words that count money, percentages or time as
// digits ("cinco reais" → "5 reais"), so both spellings compare equal.
func digitize(folded string) string {
	if !numberWordHint.MatchString(folded) {
		return folded
	}
	return numberWord.ReplaceAllStringFunc(folded, func(m string) string {
		word, rest, _ := strings.Cut(m, " ")
		return numberWords[word] + " " + rest
	})
}

// parseNumber reads a Brazilian number: "1.200" is a thousand two hundred,
// "12,50" and (a model's slip) "12.50" twelve and a half.
func parseNumber(intPart, frac string) float64 {
	v, _ := strconv.ParseFloat(strings.ReplaceAll(intPart, ".", ""), 64)
	if frac != "" {
		f, _ := strconv.ParseFloat("0."+frac, 64)
		v += f
	}
	return v
}

// findAmounts finds the amounts in reais of a folded text.
func findAmounts(folded string) []match {
	var out []match
	seen := map[int]bool{}
	for _, re := range []*regexp.Regexp{symbolAmount, wordAmount} {
		for _, idx := range re.FindAllStringSubmatchIndex(folded, -1) {
			if seen[idx[2]] {
				continue
			}
			seen[idx[2]] = true
			frac := ""
			if idx[4] >= 0 {
				frac = folded[idx[4]:idx[5]]
			}
			out = append(out, match{text: folded[idx[0]:idx[1]], value: parseNumber(folded[idx[2]:idx[3]], frac), end: idx[1]})
		}
	}
	return out
}

func findPercents(folded string) []match {
	var out []match
	for _, m := range percent.FindAllStringSubmatch(folded, -1) {
		v, _ := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", "."), 64)
		out = append(out, match{text: m[0], value: v})
	}
	for _, m := range half.FindAllString(folded, -1) {
		out = append(out, match{text: m, value: 50})
	}
	return out
}

// unitKey reduces a time unit to its singular so "1 dia" and "2 dias"
// share a family.
func unitKey(u string) string {
	switch {
	case strings.HasPrefix(u, "dia"):
		return "dia"
	case strings.HasPrefix(u, "hora"):
		return "hora"
	case strings.HasPrefix(u, "semana"):
		return "semana"
	case strings.HasPrefix(u, "mes"):
		return "mes"
	default:
		return "ano"
	}
}

func findDurations(folded string) []match {
	var out []match
	for _, m := range duration.FindAllStringSubmatch(folded, -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, match{text: m[0], key: strconv.Itoa(n) + " " + unitKey(m[2])})
	}
	return out
}

// findDeadlines finds the durations a text promises, keyed like findDurations.
func findDeadlines(folded string) []match {
	var out []match
	for _, m := range deadline.FindAllStringSubmatch(folded, -1) {
		num, unit := m[1], m[2]
		if num == "" {
			num, unit = m[3], m[4]
		}
		n, _ := strconv.Atoi(num)
		out = append(out, match{text: m[0], key: strconv.Itoa(n) + " " + unitKey(unit)})
	}
	return out
}

func findDates(folded string) []match {
	var out []match
	for _, m := range slashDate.FindAllStringSubmatch(folded, -1) {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if d >= 1 && d <= 31 && mo >= 1 && mo <= 12 {
			out = append(out, match{text: m[0], key: strconv.Itoa(d) + "/" + strconv.Itoa(mo)})
		}
	}
	for _, m := range monthDate.FindAllStringSubmatch(folded, -1) {
		d, _ := strconv.Atoi(m[1])
		out = append(out, match{text: m[0], key: strconv.Itoa(d) + "/" + strconv.Itoa(months[m[2]])})
	}
	return out
}

func findTimes(folded string) []match {
	var out []match
	for _, m := range clockTime.FindAllStringSubmatch(folded, -1) {
		h, _ := strconv.Atoi(m[1])
		if h > 24 {
			continue
		}
		minutes := m[2] + m[3]
		if minutes == "" {
			minutes = "00"
		}
		out = append(out, match{text: strings.TrimRightFunc(m[0], func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), key: strconv.Itoa(h) + ":" + minutes})
	}
	return out
}

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

var weekdayKeys = []string{"segunda", "terca", "quarta", "quinta", "sexta", "sabado", "domingo"}

func weekdayIndex(w string) int {
	for i, k := range weekdayKeys {
		if k == w {
			return i
		}
	}
	return -1
}

// weekdayBefore are words after which "segunda", "quarta", "quinta" name a
// day rather than an ordinal ("na segunda vez" is rare next to "até segunda").
var weekdayBefore = map[string]bool{
	"ate": true, "nesta": true, "neste": true, "nessa": true, "nesse": true, "esta": true, "essa": true,
	"proxima": true, "proximo": true, "toda": true, "todas": true, "as": true, "so": true,
	"desta": true, "dessa": true, "na": true, "de": true, "a": true, "e": true, "ou": true,
}

// ordinalNouns follow an ordinal, not a weekday: "segunda vez", "quarta geração".
var ordinalNouns = map[string]bool{
	"vez": true, "peca": true, "opcao": true, "geracao": true, "unidade": true, "fornada": true,
	"edicao": true, "temporada": true, "parte": true, "etapa": true, "camada": true, "mao": true,
}

// findWeekdays finds the days of the week a folded text names.
func findWeekdays(folded string) []match {
	ws := words(folded)
	var out []match
	for i, w := range ws {
		key := strings.TrimSuffix(strings.TrimSuffix(w.folded, "-feira"), "s")
		if weekdayIndex(key) < 0 {
			continue
		}
		next := ""
		if i+1 < len(ws) {
			next = ws[i+1].folded
		}
		prev := ""
		if i > 0 {
			prev = ws[i-1].folded
		}
		ambiguous := key == "segunda" || key == "quarta" || key == "quinta"
		if ambiguous && !strings.HasSuffix(w.folded, "-feira") && next != "feira" {
			if !weekdayBefore[prev] || ordinalNouns[next] {
				continue
			}
		}
		out = append(out, match{text: w.text, key: key})
	}
	return out
}

// findPhones returns the phone numbers of a text as written and as digits.
func findPhones(text string) []match {
	// A phone has at least eight digits: most captions have fewer in all.
	if len(digitsOnly(text)) < 8 {
		return nil
	}
	var out []match
	for _, m := range phoneNumber.FindAllString(text, -1) {
		d := digitsOnly(m)
		if len(d) < 8 {
			continue
		}
		out = append(out, match{text: strings.TrimSpace(m), key: d})
	}
	return out
}

// samePhone reports whether digits written in a caption are the business's
// number (stored as country code + area code + number), with or without the
// country and area codes.
func samePhone(business, written string) bool {
	if business == "" {
		return false
	}
	written = strings.TrimLeft(written, "0")
	return strings.HasSuffix(business, written) || strings.HasSuffix("55"+business, written)
}

// affirmativeText drops the negated sentences of a folded text.
func affirmativeText(folded string) string {
	var b strings.Builder
	for _, c := range splitClauses(folded) {
		if !c.negated {
			b.WriteString(c.raw)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
