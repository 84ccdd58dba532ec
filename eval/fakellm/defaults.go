package fakellm

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/text"
)

// What a prompt asks for is read from the output format BAML renders into
// it (ctx.output_format): the schema's field names are the BAML classes'
// own (content.baml's Post, judges.baml's verdict), so no rewording of a
// prompt changes them. Only the profile's values below are read from the
// labels the profile template writes; a renamed label makes the posts
// less specific, never unparsable (and TestHeuristicsOnEveryProfile, which
// renders the real prompts, fails on it).
var (
	postsSchema   = regexp.MustCompile(`(?m)^\s*production_note\??:`)
	judgeSchema   = regexp.MustCompile(`(?m)^\s*reasoning\??:`)
	verdictSchema = regexp.MustCompile(`(?m)^\s*pass\??:`)
	businessLine  = regexp.MustCompile(`(?m)^[ \t]*Negócio:[ \t]*(.+?)[ \t]*\r?$`)
	fieldLine     = regexp.MustCompile(`(?m)^[ \t]*(Segmento|Cidade|Bairro|Telefone/WhatsApp|Observações do operador):[ \t]*(.+?)[ \t]*\r?$`)
	quotedSlug    = regexp.MustCompile(`"([a-z]+)"`)
	priceSuffix   = regexp.MustCompile(`\s*\(R\$ ([0-9.]+,[0-9]{2})\)\s*$`)
)

// DefaultContent is the reply given when no script applies. It reads the
// prompt the way a model would, just enough for Rekan's BAML functions to
// parse the answer:
//   - a WritePosts prompt (its output format names production_note) gets a
//     JSON array with one post per role it asks for (the role slugs, quoted,
//     on the lines just before the output format; one "produto" post when
//     there are none), written from the profile and brief the prompt
//     carries (business name, city and neighbourhood, a product and its
//     price, a fact, the brief), so the checks see realistic text that
//     invents nothing and does not repeat the openings the prompt lists;
//   - a judge prompt (its output format names reasoning and pass) gets
//     {"reasoning": "...", "pass": true};
//   - a SuggestIdeas prompt gets four ideas (ideasReply), a ReviseFromNote
//     prompt the post revised (reviseReply);
//   - anything else gets a short echo.
//
// call varies the hooks between calls.
func DefaultContent(prompt string, call int) string {
	return FaultyContent(prompt, call, "")
}

// FaultyContent is DefaultContent with one of the mistakes models make
// planted in every post it writes (see Faults); other prompts are answered
// as DefaultContent does.
func FaultyContent(prompt string, call int, fault Fault) string {
	return reply(prompt, 0, call, fault)
}

// reply answers prompt; photos is how many image parts came with it: when
// there are some, the production notes say how to crop and fix the photos
// sent instead of how to shoot.
func reply(prompt string, photos, call int, fault Fault) string {
	if ideas, ok := ideasReply(prompt); ok {
		return ideas
	}
	if revised, ok := reviseReply(prompt); ok {
		return revised
	}
	switch {
	case judgeSchema.MatchString(prompt) && verdictSchema.MatchString(prompt):
		return judgeReply()
	case postsSchema.MatchString(prompt):
		r := parseRequest(prompt)
		r.photos = photos
		roles := rolesIn(prompt)
		if len(roles) == 0 {
			roles = []string{string(content.RoleProduct)}
		}
		return postsReply(r, roles, call, fault)
	default:
		return echoReply(prompt)
	}
}

// rolesIn finds the roles a WritePosts prompt asks for: the role slugs,
// quoted, on the last run of lines (blank lines allowed) that carry
// one, before the output format. The role guide and a brief that quotes a
// slug come earlier, and the output format's own example after.
func rolesIn(prompt string) []string {
	end := len(prompt)
	if loc := postsSchema.FindStringIndex(prompt); loc != nil {
		end = loc[0]
	}
	lines := strings.Split(prompt[:end], "\n")
	// The schema opens with a line of its own, "[" then "{": drop it all.
	for i := len(lines) - 1; i >= 0; i-- {
		if open := strings.TrimSpace(lines[i]); open == "[" || open == "{" {
			for i > 0 && (strings.TrimSpace(lines[i-1]) == "[" || strings.TrimSpace(lines[i-1]) == "{") {
				i--
			}
			lines = lines[:i]
			break
		}
	}
	var roles []string
	for i := len(lines) - 1; i >= 0; i-- {
		found := quotedRole(lines[i])
		switch {
		case found != "":
			roles = append([]string{found}, roles...)
		case len(roles) > 0 && strings.TrimSpace(lines[i]) != "":
			return roles
		}
	}
	return roles
}

// quotedRole is the slug (a quoted lower-case word) on line, or "". An
// unknown one is kept: the server sends what it sends, and fakellm writes
// it like "produto".
func quotedRole(line string) string {
	if m := quotedSlug.FindStringSubmatch(line); m != nil {
		return m[1]
	}
	return ""
}

func judgeReply() string {
	out, _ := json.Marshal(map[string]any{
		"reasoning": "O post está em português do Brasil, fala do negócio de forma concreta e termina com um convite específico.",
		"pass":      true,
	})
	return string(out)
}

func echoReply(prompt string) string {
	text := strings.Join(strings.Fields(prompt), " ")
	if r := []rune(text); len(r) > 80 {
		text = string(r[:80]) + "…"
	}
	return "Resposta de teste do fakellm: " + text
}

// product is one line of the prompt's "Produtos e serviços" list.
type product struct {
	name  string
	price string // "25,00", empty without a price
}

// request is what the fake understood of a WritePosts prompt.
type request struct {
	name, segment, city, neighbourhood, phone, notes string
	products                                         []product
	facts                                            []string
	brief                                            string
	previousHooks                                    []string
	// photos is how many photos the prompt says it carries.
	photos int
}

// parseRequest reads the profile, brief and previous hooks the WritePosts
// prompt renders (eval/baml_src/content.baml); missing parts stay empty.
func parseRequest(prompt string) request {
	var r request
	if m := businessLine.FindStringSubmatch(prompt); m != nil {
		r.name = strings.TrimSpace(m[1])
	}
	for _, m := range fieldLine.FindAllStringSubmatch(prompt, -1) {
		switch m[1] {
		case "Segmento":
			r.segment = m[2]
		case "Cidade":
			r.city, _, _ = strings.Cut(m[2], " - ")
		case "Bairro":
			r.neighbourhood = m[2]
		case "Telefone/WhatsApp":
			r.phone = m[2]
		case "Observações do operador":
			r.notes = m[2]
		}
	}
	section := ""
	lines := strings.Split(strings.ReplaceAll(prompt, "\r\n", "\n"), "\n")
	for i, raw := range lines {
		line := strings.TrimSpace(raw)
		switch {
		case strings.HasPrefix(line, "Produtos e serviços"):
			section = "products"
			continue
		case strings.HasPrefix(line, "Fatos do negócio"):
			section = "facts"
			continue
		case strings.HasPrefix(line, "Aberturas recentes"):
			section = "hooks"
			continue
		case strings.HasPrefix(line, "Briefing do dono"):
			var brief []string
			for _, next := range lines[i+1:] {
				if strings.TrimSpace(next) == "" {
					break
				}
				brief = append(brief, strings.TrimSpace(next))
			}
			r.brief = strings.Join(brief, " ")
			section = ""
			continue
		}
		item, isItem := strings.CutPrefix(line, "- ")
		if !isItem {
			if line != "" {
				section = ""
			}
			continue
		}
		switch section {
		case "products":
			p := product{name: item}
			if m := priceSuffix.FindStringSubmatch(item); m != nil {
				p.name, p.price = strings.TrimSpace(item[:len(item)-len(m[0])]), m[1]
			}
			r.products = append(r.products, p)
		case "facts":
			r.facts = append(r.facts, item)
		case "hooks":
			r.previousHooks = append(r.previousHooks, item)
		}
	}
	if r.name == "" {
		r.name = "nossa loja"
	}
	if n := []rune(r.name); len(n) > 60 {
		r.name = string(n[:60])
	}
	return r
}

// place is where the business is, as a caption says it.
func (r request) place() string {
	switch {
	case r.neighbourhood != "":
		return r.neighbourhood
	case r.city != "":
		return r.city
	}
	return "nosso bairro"
}

// product is the product the brief talks about (most words in common),
// or the first one.
func (r request) product() (product, bool) {
	if len(r.products) == 0 {
		return product{}, false
	}
	brief := map[string]bool{}
	for _, w := range strings.Fields(text.Fold(r.brief)) {
		if len(w) > 3 {
			brief[strings.Trim(w, ".,:;!?()")] = true
		}
	}
	best, bestScore := r.products[0], 0
	for _, p := range r.products {
		score := 0
		for _, w := range strings.Fields(text.Fold(p.name)) {
			if brief[strings.Trim(w, ".,:;!?()")] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = p, score
		}
	}
	return best, true
}

// productName is the product without its parenthesised detail
// ("bolo de casamento (por quilo)" → "bolo de casamento").
func (r request) productName() string {
	p, ok := r.product()
	if !ok {
		return "nosso trabalho"
	}
	name, _, _ := strings.Cut(p.name, " (")
	return shorten(strings.TrimSpace(name), 60)
}

// priceLine states the product's listed price, or a listed price of
// another product when it has none.
func (r request) priceLine() string {
	candidates := r.products
	if p, ok := r.product(); ok && p.price != "" {
		candidates = []product{p}
	}
	for _, p := range candidates {
		if p.price != "" {
			return fmt.Sprintf("%s: R$ %s.", capitalize(shorten(p.name, 80)), p.price)
		}
	}
	return ""
}

func (r request) fact(i int) string {
	if len(r.facts) == 0 {
		return ""
	}
	return strings.TrimRight(shorten(r.facts[i%len(r.facts)], 140), ".")
}

// briefSentence is the brief's first clause as the owner would open with it.
func (r request) briefSentence() string {
	b := strings.TrimSpace(r.brief)
	if b == "" {
		return "Hoje tem novidade no " + r.name
	}
	if i := strings.IndexAny(b, ":;"); i > 20 {
		b = b[:i]
	}
	return capitalize(strings.TrimRight(shorten(b, 120), ".,!"))
}

// nowPhrase is a reason to act now the brief or profile backs, or "".
func (r request) nowPhrase() string {
	source := text.Fold(r.brief + " " + r.notes + " " + strings.Join(r.facts, " "))
	for _, day := range []string{"segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo"} {
		if strings.Contains(source, text.Fold(day)) {
			return "vale até " + day
		}
	}
	switch {
	case strings.Contains(source, "hoje"):
		return "só hoje"
	case strings.Contains(source, "safra"):
		return "enquanto durar a safra"
	case strings.Contains(source, "semana"):
		return "só esta semana"
	}
	return ""
}

func (r request) contact() string {
	if phone := formatPhone(r.phone); phone != "" {
		return "Pedidos pelo WhatsApp " + phone + "."
	}
	return "Pedidos pelo WhatsApp."
}

// formatPhone writes a stored number (55 + area code + number) the way
// Brazilians read it.
func formatPhone(digits string) string {
	d := strings.TrimPrefix(digits, "55")
	if len(d) < 10 || len(d) > 11 {
		return ""
	}
	return fmt.Sprintf("(%s) %s-%s", d[:2], d[2:len(d)-4], d[len(d)-4:])
}

type draft struct {
	hooks []string
	body  func(r request) string
	cta   func(r request) string
	tag   string
	note  func(r request) string
}

var drafts = map[string]draft{
	"produto": {
		hooks: []string{"{brief}.", "Olha o que saiu aqui em {place}.", "{product} do jeito que a gente faz em {place}."},
		body: func(r request) string {
			return join(r.briefSentence()+", e ficou do jeito que o cliente pediu.", sentence("Um detalhe que pouca gente sabe: ", r.fact(0)), r.priceLine())
		},
		cta: func(r request) string { return r.contact() },
		tag: "#feitoemcasa",
		note: func(r request) string {
			return "Foto vertical, de perto, mostrando " + r.productName() + " sobre a bancada, com luz natural da janela."
		},
	},
	"bastidores": {
		hooks: []string{"Antes de ficar pronto, tem uma etapa que ninguém vê.", "Um pedaço do nosso dia em {place}.", "Por trás de cada {product}, aqui em {place}."},
		body: func(r request) string {
			return join(sentence("Por aqui funciona assim: ", r.fact(1)), "Cada "+r.productName()+" passa por essas mãos antes de sair de "+r.place()+".", sentence("Desta vez: ", lowerFirst(r.briefSentence())))
		},
		cta: func(r request) string { return "Quer ver essa etapa de perto? Passa aqui em " + r.place() + "." },
		tag: "#bastidores",
		note: func(r request) string {
			return "Vídeo curto na vertical mostrando as mãos no trabalho (" + r.productName() + "), em três tomadas curtas: começo, meio e fim."
		},
	},
	"historia": {
		hooks: []string{"Tem pedido que vira história.", "Quem passa por {place} conhece essa história.", "Essa aconteceu aqui em {place}."},
		body: func(r request) string {
			return join(r.briefSentence()+".", sentence("Tem a ver com uma coisa daqui: ", r.fact(2)), "Quem conhece a gente sabe que é assim.")
		},
		cta: func(r request) string {
			return "Conta pra gente a sua história quando passar aqui em " + r.place() + "."
		},
		tag: "#historiasreais",
		note: func(r request) string {
			return "Foto do dono no balcão, em plano médio, com luz suave do fim da tarde e o trabalho do dia ao fundo."
		},
	},
	"dica": {
		hooks: []string{"Uma dica de quem trabalha com {segment} em {city}.", "Anote esta dica antes do próximo pedido.", "O que a gente sempre explica no balcão em {place}."},
		body: func(r request) string {
			// The brief closes the tip so the post still answers it (addresses_brief).
			return join("Antes de fazer o pedido, anote o que você quer e mande uma foto de referência: assim a gente acerta de primeira.", sentence("E um detalhe daqui: ", r.fact(3)), sentence("Foi assim desta vez: ", lowerFirst(r.briefSentence())))
		},
		cta: func(r request) string { return r.contact() },
		tag: "#dicadodono",
		note: func(r request) string {
			return "Carrossel de 3 fotos: a foto de referência no celular, o trabalho pronto (" + r.productName() + ") e o cliente recebendo."
		},
	},
	"oferta": {
		hooks: []string{"{brief}.", "Tem condição boa pra quem quer {product} aqui em {place}.", "Recado rápido pra quem está em {place}."},
		body: func(r request) string {
			offer := r.priceLine()
			if now := r.nowPhrase(); offer != "" && now != "" {
				offer = strings.TrimSuffix(offer, ".") + ", " + now + "."
			}
			return join(r.briefSentence()+".", offer)
		},
		cta: func(r request) string { return r.contact() },
		tag: "#oferta",
		note: func(r request) string {
			return "Foto vertical mostrando " + r.productName() + " com uma plaquinha escrita à mão com o preço, luz natural."
		},
	},
	"comunidade": {
		hooks: []string{"Quem é de {place} sabe.", "Um recado pra vizinhança de {place}.", "{place} tem dessas coisas."},
		body: func(r request) string {
			return join(sentence("Quem é daqui sabe: ", r.fact(3)), sentence("E quem mora por aqui acompanhou de perto a novidade desta vez: ", lowerFirst(r.briefSentence())))
		},
		cta: func(r request) string { return "Passa aqui em " + r.place() + " pra dar um oi." },
		tag: "#vizinhanca",
		note: func(r request) string {
			return "Foto da fachada com um cliente da vizinhança, de frente, com o nome do negócio visível."
		},
	},
}

func postsReply(r request, roles []string, call int, fault Fault) string {
	posts := make([]content.Post, 0, len(roles))
	used := append([]string{}, r.previousHooks...)
	for i, role := range roles {
		p := buildPost(r, role, call+i, used)
		used = append(used, p.Hook)
		posts = append(posts, p)
	}
	posts = fault.apply(r, posts)
	out, _ := json.MarshalIndent(posts, "", "  ")
	// Models often fence their JSON; alternate so both shapes get parsed.
	if call%2 == 0 {
		return "```json\n" + string(out) + "\n```"
	}
	return string(out)
}

// buildPost writes one post; its hook is the first variant (from call on)
// that does not resemble an opening already used, as the prompt asks.
func buildPost(r request, role string, call int, used []string) content.Post {
	d, ok := drafts[role]
	if !ok {
		d = drafts["produto"]
	}
	hook := ""
	for k := range d.hooks {
		candidate := fill(d.hooks[(call+k)%len(d.hooks)], r)
		if !resemblesAny(candidate, used) {
			hook = candidate
			break
		}
	}
	if hook == "" {
		hook = fmt.Sprintf("%s, capítulo %d.", r.name, call)
	}
	caption := join(hook, withoutRepeat(d.body(r), hook, r.briefSentence()), d.cta(r))
	return content.Post{
		Role:           content.Role(role),
		Hook:           hook,
		Caption:        caption,
		Hashtags:       hashtagsFor(r, d.tag),
		ProductionNote: r.productionNote(d, call),
	}
}

// productionNote is the draft's shooting advice, or, when the prompt came
// with photos, advice on the photo sent (as the prompt then asks).
func (r request) productionNote(d draft, call int) string {
	if r.photos == 0 {
		return d.note(r)
	}
	photo := call%r.photos + 1
	note := fmt.Sprintf("Use a foto %d como capa: recorte na vertical em 4:5 com %s no centro, endireite se estiver torta e clareie um pouco as sombras.", photo, r.productName())
	if r.photos > 1 {
		note += fmt.Sprintf(" Monte um carrossel com as %d fotos, na ordem em que chegaram.", r.photos)
	}
	return note
}

// withoutRepeat drops the body paragraphs that retell the brief when the
// hook already opens with it.
func withoutRepeat(body, hook, brief string) string {
	if !strings.Contains(hook, brief) {
		return body
	}
	var kept []string
	for _, p := range strings.Split(body, "\n\n") {
		if !strings.Contains(p, brief) && !strings.Contains(p, lowerFirst(brief)) {
			kept = append(kept, p)
		}
	}
	return join(kept...)
}

// resemblesAny reports whether hook opens like one of used: the same
// first three words, or half of the shorter one's longer words shared. It
// is stricter than the new-hook check (eval/checks), which the tests run
// on every default post; fakellm does not use the checks themselves.
func resemblesAny(hook string, used []string) bool {
	for _, u := range used {
		if sameOpening(hook, u) {
			return true
		}
	}
	return false
}

func sameOpening(a, b string) bool {
	wa, wb := strings.FieldsFunc(text.Fold(a), notWord), strings.FieldsFunc(text.Fold(b), notWord)
	if len(wa) >= 3 && len(wb) >= 3 && strings.Join(wa[:3], " ") == strings.Join(wb[:3], " ") {
		return true
	}
	long := func(ws []string) map[string]bool {
		out := map[string]bool{}
		for _, w := range ws {
			if len(w) > 3 {
				out[w] = true
			}
		}
		return out
	}
	la, lb := long(wa), long(wb)
	if len(la) > len(lb) {
		la, lb = lb, la
	}
	shared := 0
	for w := range la {
		if lb[w] {
			shared++
		}
	}
	return len(la) > 0 && shared*2 >= len(la)*1
}

func notWord(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

func fill(template string, r request) string {
	segment := r.segment
	if segment == "" {
		segment = "isso"
	}
	city := r.city
	if city == "" {
		city = r.place()
	}
	out := strings.NewReplacer(
		"{brief}", r.briefSentence(),
		"{place}", r.place(),
		"{product}", r.productName(),
		"{segment}", segment,
		"{city}", city,
	).Replace(template)
	return capitalize(out)
}

// join puts non-empty paragraphs together the way captions are laid out.
func join(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "\n\n")
}

func sentence(prefix, text string) string {
	if text == "" {
		return ""
	}
	if prefix == "" {
		return capitalize(text) + "."
	}
	return prefix + text + "."
}

func capitalize(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) < 2 || unicode.IsUpper(r[1]) {
		return s
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:")
}

// hashtagsFor mixes the business's own tag, local tags and a niche one, as
// the prompt asks, without duplicates.
func hashtagsFor(r request, roleTag string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(tag string) {
		// tagOf writes only ASCII letters and digits, with a letter: a
		// valid hashtag by construction.
		if tag != "" && tag != "#" && !seen[tag] {
			seen[tag] = true
			out = append(out, tag)
		}
	}
	add(nameTag(r.name))
	add(tagOf(r.city))
	add(tagOf(r.neighbourhood))
	add(tagOf(r.segment))
	add(tagOf(r.segment + " " + r.city))
	add(roleTag)
	add("#negociolocal")
	add("#comprelocal")
	return out
}

// nameTag derives a hashtag from the business name the way the prompt asks
// for hashtags: its letters and digits, lower case, no accents
// ("Café da Vó" → "#cafedavo").
func nameTag(name string) string {
	if tag := tagOf(name); tag != "" {
		return tag
	}
	return "#negociolocal"
}

func tagOf(s string) string {
	hasLetter := false
	tag := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) && r < unicode.MaxASCII:
			hasLetter = true
			return r
		case unicode.IsDigit(r) && r < unicode.MaxASCII:
			return r
		}
		return -1
	}, text.Fold(s))
	if !hasLetter || len(tag) > 40 {
		return ""
	}
	return "#" + tag
}
