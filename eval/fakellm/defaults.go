package fakellm

import (
	"encoding/json"
	"regexp"
	"strings"
	"unicode"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

var (
	businessLine = regexp.MustCompile(`(?m)^[ \t]*Negócio:[ \t]*(.+?)[ \t]*\r?$`)
	roleLine     = regexp.MustCompile(`Post \d+: papel "([a-z]+)"`)
)

// DefaultContent is the reply given when no script applies. It reads the
// prompt the way a model would, just enough for Rekan's BAML functions to
// parse the answer:
//   - a WritePosts prompt (lines `Post N: papel "role"`) gets a JSON array
//     with one post per role line, for the business named on the
//     `Negócio: name` line;
//   - a judge prompt (mentions `reasoning` and `pass`, no role lines) gets
//     {"reasoning": "...", "pass": true};
//   - a prompt mentioning production_note or `Negócio:` without role lines
//     gets one post;
//   - anything else gets a short echo.
//
// call varies the hooks between calls (they repeat every few calls), so
// repetition checks see both fresh and repeated openings.
func DefaultContent(prompt string, call int) string {
	roles := rolesIn(prompt)
	switch {
	case len(roles) > 0:
		return postsReply(businessName(prompt), roles, call)
	case strings.Contains(prompt, "reasoning") && strings.Contains(prompt, "pass"):
		return judgeReply()
	case strings.Contains(prompt, "production_note") || businessLine.MatchString(prompt):
		return postsReply(businessName(prompt), []string{"produto"}, call)
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

func businessName(prompt string) string {
	m := businessLine.FindStringSubmatch(prompt)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
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

type roleTemplate struct {
	hooks    []string // {nome} is replaced by the business name
	body     string   // {nome} is replaced by the business name
	cta      string
	hashtags []string
	note     string
}

var templates = map[string]roleTemplate{
	"produto": {
		hooks: []string{
			"Sabe aquele capricho que você sente no primeiro pedaço?",
			"{nome}: cada detalhe pensado pra você.",
			"Esse aqui saiu do forno e já virou o favorito da semana.",
		},
		body: "A gente escolhe cada ingrediente com cuidado e prepara tudo em pequenas quantidades, pra chegar fresquinho na sua mesa. Esse é o nosso jeito de trabalhar ✨ sem pressa e com carinho.",
		cta:  "Encomendas pelo WhatsApp até sexta, com retirada no sábado de manhã.",
		hashtags: []string{
			"#feitoamao", "#produtoartesanal", "#comprelocal", "#qualidade", "#empreendedorismo",
		},
		note: "Foto vertical 4:5 do produto sobre a bancada de madeira, com luz natural da janela e um fundo neutro.",
	},
	"bastidores": {
		hooks: []string{
			"Quer ver como tudo começa por aqui?",
			"{nome} por dentro: vem ver como tudo é feito.",
			"Antes de chegar até você, tem muita mão na massa.",
		},
		body: "Hoje a gente abre a cozinha pra você: separar os ingredientes, medir tudo direitinho e conferir cada etapa leva tempo, mas é isso que garante o resultado que você conhece.",
		cta:  "Quer ver essa etapa ao vivo? Às quartas a gente recebe visitas na cozinha, é só avisar pelo WhatsApp.",
		hashtags: []string{
			"#bastidores", "#maonamassa", "#feitoamao", "#rotinadetrabalho", "#pequenonegocio",
		},
		note: "Vídeo curto de 15 segundos gravado na vertical mostrando as mãos separando os ingredientes na bancada.",
	},
	"historia": {
		hooks: []string{
			"Tudo começou com uma receita de família.",
			"{nome} nasceu de um sonho antigo.",
			"Tem cliente que vira amigo, e essa história é sobre isso.",
		},
		body: "Quem acompanha a gente desde o começo sabe: foi com muito trabalho, apoio da família e a confiança de cada cliente que a gente chegou até aqui. Obrigado por fazer parte disso.",
		cta:  "Se você tem uma lembrança com a gente, responde esse post que vamos adorar ler.",
		hashtags: []string{
			"#nossahistoria", "#empreendedorismofeminino", "#negociodefamilia", "#gratidao", "#comprelocal",
		},
		note: "Foto da dona do negócio sorrindo no balcão, em plano médio, com luz suave do fim da tarde.",
	},
	"dica": {
		hooks: []string{
			"Uma dica rápida que faz toda a diferença.",
			"Dica de quem faz isso todo dia.",
			"Você guarda do jeito certo?",
		},
		body: "Pra manter tudo fresquinho por mais tempo, guarde em pote bem fechado, longe do sol e da umidade. A gente sempre explica isso na entrega, porque cuidado também faz parte do sabor.",
		cta:  "Qualquer dúvida sobre conservação, chama a gente no WhatsApp que explicamos com calma.",
		hashtags: []string{
			"#dicadodia", "#dicasuteis", "#conservacao", "#cozinhapratica", "#feitoamao",
		},
		note: "Carrossel de 3 fotos: o pote fechado, a etiqueta com a data e o armário longe da janela.",
	},
	"oferta": {
		hooks: []string{
			"Essa semana tem condição especial!",
			"{nome} com oferta só até domingo.",
			"Preparamos uma surpresa pra quem encomendar essa semana.",
		},
		body: "Nas encomendas feitas até domingo, o segundo item sai com 10% de desconto. É a oportunidade de experimentar um sabor novo ou garantir o presente de alguém especial.",
		cta:  "Garanta o seu pelo WhatsApp até domingo às 18h; as vagas da semana são limitadas.",
		hashtags: []string{
			"#promocao", "#ofertadasemana", "#descontoespecial", "#comprelocal", "#presente",
		},
		note: "Foto vertical de dois produtos lado a lado com uma plaquinha escrita à mão com o desconto de 10%.",
	},
	"comunidade": {
		hooks: []string{
			"O nosso bairro tem muita gente talentosa.",
			"{nome} cresce junto com a vizinhança.",
			"Quem é daqui sabe o valor de comprar do vizinho.",
		},
		body: "Cada pedido feito aqui movimenta o comércio do bairro: a gente compra dos produtores daqui e entrega de bicicleta pertinho de você. Comprar local é cuidar de quem está do seu lado.",
		cta:  "Na feirinha da praça, no sábado das 8h às 12h, você encontra a gente na barraca azul.",
		hashtags: []string{
			"#comunidade", "#comprelocal", "#vizinhanca", "#feiradobairro", "#economialocal",
		},
		note: "Foto da barraca na feirinha com clientes ao fundo, tirada de frente e com o nome do negócio visível.",
	},
}

// fallbackTemplate serves roles the fake does not know, so a renamed role
// still gets a well-formed post.
var fallbackTemplate = templates["produto"]

func postsReply(name string, roles []string, call int) string {
	if name == "" {
		name = "nossa loja"
	}
	if r := []rune(name); len(r) > 60 {
		name = string(r[:60])
	}
	posts := make([]content.Post, 0, len(roles))
	for i, role := range roles {
		posts = append(posts, buildPost(name, role, call+i))
	}
	out, _ := json.MarshalIndent(posts, "", "  ")
	// Models often fence their JSON; alternate so both shapes get parsed.
	if call%2 == 0 {
		return "```json\n" + string(out) + "\n```"
	}
	return string(out)
}

func buildPost(name, role string, variant int) content.Post {
	t, ok := templates[role]
	if !ok {
		t = fallbackTemplate
	}
	// Templates put the name where Portuguese needs no article before it
	// ("Doces da Lu: …"), since names differ in gender.
	hook := strings.ReplaceAll(t.hooks[variant%len(t.hooks)], "{nome}", name)
	caption := hook + "\n\n" + strings.ReplaceAll(t.body, "{nome}", name) + "\n\n" + t.cta
	return content.Post{
		Role:           content.Role(role),
		Hook:           hook,
		Caption:        caption,
		Hashtags:       withNameTag(name, t.hashtags),
		ProductionNote: t.note,
	}
}

// withNameTag puts the business's own hashtag first, dropping a duplicate.
func withNameTag(name string, tags []string) []string {
	own := nameTag(name)
	out := []string{own}
	for _, t := range tags {
		if !strings.EqualFold(t, own) {
			out = append(out, t)
		}
	}
	return out
}

// nameTag derives a hashtag from the business name the way the prompt asks
// for hashtags: its letters and digits, lower case, no accents
// ("Café da Vó" → "#cafedavo").
func nameTag(name string) string {
	hasLetter := false
	tag := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r):
			hasLetter = true
			return r
		case unicode.IsDigit(r):
			return r
		}
		return -1
	}, checks.Fold(name))
	if !hasLetter {
		return "#negociolocal"
	}
	return "#" + tag
}
