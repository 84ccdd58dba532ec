package checks

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed claims.txt
var claimsFile string

//go:embed products.txt
var productsFile string

// claimKind is one group of claims.txt.
type claimKind struct {
	kind, label string
	severity    Severity
	entries     []lexEntry
}

// productGroup is one group of products.txt: what businesses of some
// segments sell.
type productGroup struct {
	segments []string
	entries  []lexEntry
}

var clauseMemo = newMemo[[]clause](64)

var (
	claimKinds    = parseClaimKinds(claimsFile)
	productGroups = parseProductGroups(productsFile)
)

func parseClaimKinds(data string) []claimKind {
	var out []claimKind
	for _, g := range parseLexicon("claims.txt", data, 3) {
		sev := Severity(g.header[1])
		if sev != SeverityError && sev != SeverityWarning {
			panic(fmt.Sprintf("claims.txt: group %s: severity %q", g.header[0], sev))
		}
		out = append(out, claimKind{kind: g.header[0], severity: sev, label: g.header[2], entries: g.words})
	}
	return out
}

func parseProductGroups(data string) []productGroup {
	var out []productGroup
	for _, g := range parseLexicon("products.txt", data, 1) {
		var segs []string
		for _, s := range strings.Split(g.header[0], ",") {
			if s = strings.TrimSpace(normalizeForPhrases(s)); s != "" {
				segs = append(segs, s)
			}
		}
		out = append(out, productGroup{segments: segs, entries: g.words})
	}
	return out
}

// negation words make a sentence of the profile say what the business does
// not do ("não faz entrega", "nunca falar em emagrecimento").
var negations = []string{" nao ", " nunca ", " nem ", " jamais ", " evite ", " evitar ", " nada de "}

// clauses splits a profile text into sentences, normalised and padded, and
// says which are negated.
type clause struct {
	padded  string
	negated bool
	raw     string
}

func splitClauses(text string) []clause {
	var out []clause
	for _, raw := range strings.FieldsFunc(text, func(r rune) bool {
		return r == '.' || r == ';' || r == '\n' || r == '!' || r == '?'
	}) {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		c := clause{padded: normalizeForPhrases(raw), raw: raw}
		for _, n := range negations {
			if strings.Contains(c.padded, n) {
				c.negated = true
				break
			}
		}
		out = append(out, c)
	}
	return out
}

// backing says whether the source states a backer: found in an affirmative
// sentence, or only in negated ones (then it contradicts, quoting one).
func backing(clauses []clause, backers []string) (backed bool, contradiction string) {
	for _, c := range clauses {
		for _, b := range backers {
			if strings.Contains(c.padded, " "+b) {
				if !c.negated {
					return true, ""
				}
				if contradiction == "" {
					contradiction = c.raw
				}
			}
		}
	}
	return false, contradiction
}

// claim is one statement of a caption the profile does not back.
type claim struct {
	label, text, contradiction string
	severity                   Severity
}

// profileText is everything a caption may take as true: the profile, the
// brief and what the operator confirmed.
func profileText(c Context) string {
	b := c.Business
	parts := []string{b.Name, b.Segment, b.City, b.State, b.Neighbourhood, b.Audience, b.Notes, b.OpeningHours, c.Brief}
	for _, s := range b.Services {
		parts = append(parts, s.Name)
	}
	parts = append(parts, b.Facts...)
	if len(b.DeliveryAreas) > 0 {
		parts = append(parts, "entrega em "+strings.Join(b.DeliveryAreas, ", "))
	}
	parts = append(parts, c.Confirmed...)
	return strings.Join(parts, "\n")
}

// captionClauses are the caption's sentences that assert: a claim in a
// negated sentence ("não tem glúten? tem sim…") is left alone.
func affirmativeCaption(in Input) string {
	var b strings.Builder
	for _, c := range splitClauses(publishedWords(in.Post)) {
		if !c.negated {
			b.WriteString(c.padded)
		}
	}
	return b.String()
}

// findClaims lists the caption's claims the source does not back.
func findClaims(in Input, src []clause) []claim {
	caption := affirmativeCaption(in)
	var out []claim
	seen := map[string]bool{}
	add := func(cl claim) {
		if !seen[cl.text] {
			seen[cl.text] = true
			out = append(out, cl)
		}
	}
	for _, k := range claimKinds {
		for _, e := range k.entries {
			if !e.in(caption) {
				continue
			}
			if ok, contra := backing(src, e.backers); !ok {
				add(claim{label: k.label, text: e.text, contradiction: contra, severity: k.severity})
			}
		}
	}
	segment := normalizeForPhrases(in.Business.Segment)
	for _, g := range productGroups {
		if !g.matches(segment) {
			continue
		}
		for _, e := range g.entries {
			if !e.in(caption) {
				continue
			}
			if ok, contra := backing(src, e.backers); !ok {
				add(claim{label: "produto ou serviço fora do perfil", text: e.text, contradiction: contra, severity: SeverityWarning})
			}
		}
	}
	for _, place := range placesNamed(publishedWords(in.Post)) {
		if ok, contra := backing(src, []string{strings.TrimSpace(normalizeForPhrases(place))}); !ok {
			add(claim{label: "lugar", text: place, contradiction: contra, severity: SeverityWarning})
		}
	}
	return out
}

func (g productGroup) matches(segment string) bool {
	for _, s := range g.segments {
		if strings.Contains(segment, " "+s) {
			return true
		}
	}
	return false
}

// placeTriggers are the words after which a capitalised name is a place the
// business says it is in or serves ("entregamos no Batel", "aqui na
// Trindade", "no bairro de Botafogo"); folded.
var placeTriggers = map[string]bool{
	"entregamos": true, "entrega": true, "entregas": true, "atendemos": true, "levamos": true, "bairro": true, "aqui": true,
}

var placeGlue = map[string]bool{
	"em": true, "no": true, "na": true, "nos": true, "nas": true, "para": true, "pra": true, "pro": true,
	"o": true, "a": true, "de": true, "do": true, "da": true, "tambem": true, "e": true, "ate": true,
}

// isGlue: a lower-case linking word ("também no", "e na"); "é" (is) folds
// to "e" (and) but links nothing.
func isGlue(t casedWord) bool {
	return placeGlue[t.folded] && !t.upper && (t.folded != "e" || t.text == "e")
}

// placesNamed finds the capitalised names that follow a place trigger,
// lists included ("no Água Verde, Batel e Rebouças").
func placesNamed(text string) []string {
	toks := casedWords(text)
	var out []string
	for i := 0; i < len(toks); i++ {
		if !placeTriggers[toks[i].folded] {
			continue
		}
		j := i + 1
		for j < len(toks) {
			for j < len(toks) && isGlue(toks[j]) {
				j++
			}
			// A place name has letters to it: "R" of "R$" is not one.
			if j >= len(toks) || !toks[j].upper || len([]rune(toks[j].text)) < 3 {
				break
			}
			start := j
			for j < len(toks) && (toks[j].upper || (toks[j].folded == "de" || toks[j].folded == "do" || toks[j].folded == "da") && j+1 < len(toks) && toks[j+1].upper) {
				j++
				if toks[j-1].stop {
					break
				}
			}
			name := joinTokens(toks[start:j])
			if name != "" {
				out = append(out, name)
			}
			if j >= len(toks) || !(toks[j].afterComma || toks[j].text == "e") {
				break
			}
		}
		i = j - 1
		if i < 0 {
			i = 0
		}
	}
	return out
}

// casedWord is a word with its case kept and whether a comma or sentence end
// came before it.
type casedWord struct {
	text, folded string
	upper        bool
	afterComma   bool
	// stop is set on a word that ends a sentence (a name does not run on).
	stop bool
}

func casedWords(text string) []casedWord {
	var out []casedWord
	var cur []rune
	comma := false
	flush := func(sep rune) {
		if len(cur) > 0 {
			w := string(cur)
			r, _ := utf8.DecodeRuneInString(w)
			out = append(out, casedWord{text: w, folded: Fold(w), upper: unicode.IsUpper(r), afterComma: comma})
			cur = cur[:0]
			comma = false
		}
		switch sep {
		case ',':
			comma = true
		case '.', '!', '?', ':', ';', '\n':
			if len(out) > 0 {
				out[len(out)-1].stop = true
			}
		}
	}
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '-' && len(cur) > 0 {
			cur = append(cur, r)
			continue
		}
		flush(r)
	}
	flush(' ')
	return out
}

func joinTokens(ts []casedWord) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.text
	}
	return strings.Join(parts, " ")
}

// checkClaims flags the caption's statements about the business that the
// profile, the brief and the operator's confirmations do not back. Health,
// diet and awards are errors (they can be illegal or dangerous); the rest
// warnings the operator confirms or removes.
func checkClaims(in Input) Result {
	text := profileText(in.Context)
	src := clauseMemo.get(text, func() []clause { return splitClauses(text) })
	found := findClaims(in, src)
	if len(found) == 0 {
		if anyClaim(in) {
			return Result{Passed: true, Severity: "", Reason: "As afirmações sobre o negócio (entrega, pagamento, horários, lugares, produtos) estão no perfil ou no pedido."}
		}
		return Result{Passed: true, Severity: notApplicable, Reason: "A legenda não afirma entrega, pagamento, garantia, prazo, lugar, prêmio nem saúde: nada a conferir."}
	}
	severity := SeverityWarning
	var items, texts []string
	for _, c := range found {
		if c.severity == SeverityError {
			severity = SeverityError
		}
		item := fmt.Sprintf("%s \u201c%s\u201d", c.label, c.text)
		if c.contradiction != "" {
			item += fmt.Sprintf(" (o perfil diz: \u201c%s\u201d)", shorten(c.contradiction, 80))
		}
		items = append(items, item)
		texts = append(texts, c.text)
	}
	return Result{
		Passed:   false,
		Severity: severity,
		Reason:   fmt.Sprintf("Sem base no perfil nem no pedido: %s. Confirme com o cliente ou tire da legenda.", joinList(items)),
		Claims:   texts,
	}
}

// anyClaim reports whether the caption makes a claim of any kind at all,
// backed or not, so a caption without one is "não se aplica".
func anyClaim(in Input) bool {
	caption := affirmativeCaption(in)
	for _, k := range claimKinds {
		for _, e := range k.entries {
			if e.in(caption) {
				return true
			}
		}
	}
	segment := normalizeForPhrases(in.Business.Segment)
	for _, g := range productGroups {
		if g.matches(segment) {
			for _, e := range g.entries {
				if e.in(caption) {
					return true
				}
			}
		}
	}
	return len(placesNamed(publishedWords(in.Post))) > 0
}
