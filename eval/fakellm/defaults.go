package fakellm

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

var (
	businessLine = regexp.MustCompile(`(?m)^[ \t]*Negócio:[ \t]*(.+?)[ \t]*\r?$`)
	roleLine     = regexp.MustCompile(`Post \d+: papel "([a-z]+)"`)
	fieldLine    = regexp.MustCompile(`(?m)^[ \t]*(Segmento|Cidade|Bairro|Telefone/WhatsApp|Observações do operador):[ \t]*(.+?)[ \t]*\r?$`)
	priceSuffix  = regexp.MustCompile(`\s*\(R\$ ([0-9.]+,[0-9]{2})\)\s*$`)
	photosLine   = regexp.MustCompile(`Fotos do dono para estes posts \((\d+)\)`)
)

// DefaultContent is the reply given when no script applies. It reads the
// prompt the way a model would, just enough for Rekan's BAML functions to
// parse the answer:
//   - a WritePosts prompt (lines `Post N: papel "role"`) gets a JSON array
//     with one post per role line, written from the profile and brief the
//     prompt carries (business name, city and neighbourhood, a product and
//     its price, a fact, the brief), so the checks see realistic text that
//     invents nothing and does not repeat the openings the prompt lists;
//     when the prompt says it carries photos ("Fotos do dono para estes
//     posts (N)"), the production notes say how to crop and fix them
//     instead of how to shoot;
//   - a judge prompt (mentions `reasoning` and `pass`, no role lines) gets
//     {"reasoning": "...", "pass": true};
//   - a prompt mentioning production_note or `Negócio:` without role lines
//     gets one post;
//   - a SuggestIdeas prompt ("Ideias de post para a data: …") gets four
//     ideas (ideasReply);
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
	if ideas, ok := ideasReply(prompt); ok {
		return ideas
	}
	if reply, ok := reviseReply(prompt); ok {
		return reply
	}
	roles := rolesIn(prompt)
	switch {
	case len(roles) > 0:
		return postsReply(parseRequest(prompt), roles, call, fault)
	case strings.Contains(prompt, "reasoning") && strings.Contains(prompt, "pass"):
		return judgeReply()
	case strings.Contains(prompt, "production_note") || businessLine.MatchString(prompt):
		return postsReply(parseRequest(prompt), []string{"produto"}, call, fault)
	default:
		return echoReply(prompt)
	}
}

func rolesIn(prompt string) []string {
	var roles []string
	for _, m := range roleLine.FindAllStringSubmatch(prompt, -1) {
		roles = append(roles, m[1])
	}
	return roles
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
	if m := photosLine.FindStringSubmatch(prompt); m != nil {
		r.photos, _ = strconv.Atoi(m[1])
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
	for _, w := range strings.Fields(checks.Fold(r.brief)) {
		if len(w) > 3 {
			brief[strings.Trim(w, ".,:;!?()")] = true
		}
	}
	best, bestScore := r.products[0], 0
	for _, p := range r.products {
		score := 0
		for _, w := range strings.Fields(checks.Fold(p.name)) {
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
	source := checks.Fold(r.brief + " " + r.notes + " " + strings.Join(r.facts, " "))
	for _, day := range []string{"segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo"} {
		if strings.Contains(source, checks.Fold(day)) {
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

func resemblesAny(hook string, used []string) bool {
	for _, u := range used {
		if checks.HookSimilarity(hook, u) >= checks.HookSimilarityMax {
			return true
		}
	}
	return false
}

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
		if tag != "" && tag != "#" && !seen[tag] && checks.ValidHashtag(tag) {
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
	}, checks.Fold(s))
	if !hasLetter || len(tag) > 40 {
		return ""
	}
	return "#" + tag
}
