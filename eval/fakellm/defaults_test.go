package fakellm_test

import (
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/fakellm"
)

// writePostsPrompt imitates the user message of the WritePosts BAML
// function (eval/baml_src/content.baml) for a business like the test
// profiles: indented profile lines, the brief, role lines and the output
// format mentioning production_note.
func writePostsPrompt(name string, roles ...string) string {
	return renderPrompt(testContext(name), roles...)
}

func testContext(name string) checks.Context {
	price, kilo := 42.0, 145.0
	return checks.Context{
		Business: content.Business{
			Name: name, Segment: "confeitaria", City: "Belo Horizonte", State: "MG", Neighbourhood: "Santa Tereza",
			Phone: "5531998765432",
			Services: []content.Offering{
				{Name: "caixa com 12 brigadeiros gourmet", PriceBRL: &price},
				{Name: "bolo de casamento (por quilo)", PriceBRL: &kilo},
				{Name: "mesa de doces (orçamento)"},
			},
			Facts: []string{"aprendeu a confeitar com a avó", "usa doce de leite de Carmo do Cajuru", "entrega só aos sábados, com a própria Kombi", "faz prova de sabor com os noivos"},
			Notes: "atende só por encomenda",
		},
		Brief:         "fiz um bolo de casamento rosa e dourado, três andares, com flores de açúcar",
		PreviousHooks: []string{"Olha o que saiu aqui em Santa Tereza."},
	}
}

func renderPrompt(c checks.Context, roles ...string) string {
	var b strings.Builder
	biz := c.Business
	fmt.Fprintf(&b, "Perfil do negócio:\n  Negócio: %s\n  Segmento: %s\n  Cidade: %s - %s\n  Bairro: %s\n", biz.Name, biz.Segment, biz.City, biz.State, biz.Neighbourhood)
	if biz.Phone != "" {
		fmt.Fprintf(&b, "  Telefone/WhatsApp: %s\n", biz.Phone)
	}
	b.WriteString("  Produtos e serviços:\n")
	for _, s := range biz.Services {
		if s.PriceBRL != nil {
			cents := int(*s.PriceBRL*100 + 0.5)
			fmt.Fprintf(&b, "  - %s (R$ %d,%02d)\n", s.Name, cents/100, cents%100)
		} else {
			fmt.Fprintf(&b, "  - %s\n", s.Name)
		}
	}
	b.WriteString("  Fatos do negócio (use-os, são o que diferencia este negócio dos outros):\n")
	for _, f := range biz.Facts {
		fmt.Fprintf(&b, "  - %s\n", f)
	}
	if biz.Notes != "" {
		fmt.Fprintf(&b, "  Observações do operador: %s\n", biz.Notes)
	}
	fmt.Fprintf(&b, "\nBriefing do dono (o assunto destes posts):\n%s\n\n", c.Brief)
	if len(c.PreviousHooks) > 0 {
		b.WriteString("Aberturas recentes deste negócio (não repita nem imite):\n")
		for _, h := range c.PreviousHooks {
			fmt.Fprintf(&b, "- %s\n", h)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Escreva %d post(s), um para cada papel abaixo, nesta ordem:\n", len(roles))
	for i, r := range roles {
		fmt.Fprintf(&b, "Post %d: papel \"%s\"\n", i+1, r)
	}
	b.WriteString("\nResponda só com JSON neste formato:\n" + postsOutputFormat)
	return b.String()
}

// postsOutputFormat is how BAML renders WritePosts' output format (Post[]),
// descriptions included: the part of the prompt fakellm recognises it by.
const postsOutputFormat = "[\n  {\n    // o papel pedido para este post, exatamente como veio (ex.: \"produto\")\n    role: string,\n" +
	"    hook: string,\n    caption: string,\n    hashtags: string[],\n    production_note: string,\n  }\n]\n"

// What fakellm serves comes from the output format, not from the prompt's
// wording: the same requests, reworded, get the same kind of answer.
func TestRecognisesFunctionsWhateverTheWording(t *testing.T) {
	reworded := "System: write Instagram posts. Roles: \"produto\", \"bastidores\", \"historia\", \"dica\", \"oferta\", \"comunidade\".\n" +
		"Business: Doces da Lu\nBrief: a \"oferta\" de hoje é bolo\n\nWrite these:\n1) \"oferta\"\n\n2) \"dica\"\n\nJSON only:\n" + postsOutputFormat
	posts := parsePosts(t, fakellm.DefaultContent(reworded, 1))
	if len(posts) != 2 || posts[0].Role != content.RoleOffer || posts[1].Role != content.RoleTip {
		t.Errorf("reworded WritePosts prompt: %+v", posts)
	}
	judge := "Evaluate this post in English.\nAnswer in JSON using this schema:\n{\n  reasoning: string,\n  pass: bool,\n}"
	var verdict struct {
		Reasoning string `json:"reasoning"`
		Pass      *bool  `json:"pass"`
	}
	if err := json.Unmarshal([]byte(fakellm.DefaultContent(judge, 1)), &verdict); err != nil || verdict.Reasoning == "" || verdict.Pass == nil {
		t.Errorf("reworded judge prompt: %v %+v", err, verdict)
	}
	// The old Portuguese markers without an output format are just text.
	if got := fakellm.DefaultContent("Negócio: X\nPost 1: papel \"produto\"", 1); !strings.HasPrefix(got, "Resposta de teste do fakellm:") {
		t.Errorf("a prompt without an output format got %q", got)
	}
}

// fakellm writes posts that pass the checks by construction: it must not
// call the checks it is measured by.
func TestDoesNotImportTheChecks(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			if strings.Contains(imp.Path.Value, "/eval/checks") {
				t.Errorf("%s imports %s", f, imp.Path.Value)
			}
		}
	}
}

// parsePosts reads a default content reply the way BAML does: optional
// markdown fences around a JSON array.
func parsePosts(t *testing.T, reply string) []content.Post {
	t.Helper()
	text := strings.TrimSpace(reply)
	if fenced, ok := strings.CutPrefix(text, "```json"); ok {
		text, ok = strings.CutSuffix(strings.TrimSpace(fenced), "```")
		if !ok {
			t.Fatalf("unterminated fence: %q", reply)
		}
	}
	var posts []content.Post
	if err := json.Unmarshal([]byte(text), &posts); err != nil {
		t.Fatalf("reply is not a JSON array of posts: %v\n%s", err, reply)
	}
	return posts
}

// assertPublishable runs every check on the posts of one reply, each
// against the context the prompt carried and the other posts.
func assertPublishable(t *testing.T, c checks.Context, posts []content.Post) {
	t.Helper()
	for i, rs := range checks.RunRequest(c, posts) {
		p := posts[i]
		for _, r := range rs {
			if !r.Passed {
				t.Errorf("role %q: check %s failed (%s): %s\ncaption: %q\nhashtags: %v", p.Role, r.ID, r.Severity, r.Reason, p.Caption, p.Hashtags)
			}
		}
		if first, _, _ := strings.Cut(p.Caption, "\n"); first != p.Hook {
			t.Errorf("role %q: caption's first line %q is not the hook %q", p.Role, first, p.Hook)
		}
	}
}

func TestDefaultPostsFollowPrompt(t *testing.T) {
	roles := []string{"oferta", "produto", "comunidade"}
	posts := parsePosts(t, fakellm.DefaultContent(writePostsPrompt("Café da Vó", roles...), 1))
	if len(posts) != len(roles) {
		t.Fatalf("want %d posts, got %d", len(roles), len(posts))
	}
	hooks := map[string]bool{}
	for i, p := range posts {
		if string(p.Role) != roles[i] {
			t.Errorf("post %d: role %q, want %q", i, p.Role, roles[i])
		}
		if !contains(p.Hashtags, "#cafedavo") {
			t.Errorf("post %d: no hashtag from the business name: %v", i, p.Hashtags)
		}
		if hooks[p.Hook] {
			t.Errorf("post %d repeats hook %q", i, p.Hook)
		}
		hooks[p.Hook] = true
	}
	assertPublishable(t, testContext("Café da Vó"), posts)
}

func TestDefaultPostsPassChecksForEveryRoleAndName(t *testing.T) {
	// "Feito à Mão" derives #feitoamao, a tag the templates also use.
	names := []string{"Doces da Lu", "Barbearia do Zé & Filhos", "Feito à Mão", "123", "", strings.Repeat("Ateliê Bordado à Mão ", 8)}
	roles := append(append([]string{}, "produto", "bastidores", "historia", "dica", "oferta", "comunidade"), "desconhecido")
	for _, name := range names {
		for call := 1; call <= 4; call++ {
			posts := parsePosts(t, fakellm.DefaultContent(writePostsPrompt(name, roles...), call))
			if len(posts) != len(roles) {
				t.Fatalf("name %q: want %d posts, got %d", name, len(roles), len(posts))
			}
			// One request holds distinct roles; the unknown one is
			// written like "produto", so check it on its own.
			assertPublishable(t, testContext(name), posts[:len(posts)-1])
			assertPublishable(t, testContext(name), posts[len(posts)-1:])
		}
	}
}

func TestDefaultHooksVaryBetweenCalls(t *testing.T) {
	c := testContext("Doces da Lu")
	c.PreviousHooks = nil
	prompt := renderPrompt(c, "produto")
	first := parsePosts(t, fakellm.DefaultContent(prompt, 1))[0].Hook
	second := parsePosts(t, fakellm.DefaultContent(prompt, 2))[0].Hook
	if first == second {
		t.Errorf("consecutive calls opened the same way: %q", first)
	}
}

func TestDefaultPostsAlternateFencedAndPlainJSON(t *testing.T) {
	prompt := writePostsPrompt("Doces da Lu", "produto")
	if plain := fakellm.DefaultContent(prompt, 1); !strings.HasPrefix(plain, "[") {
		t.Errorf("odd call should be plain JSON: %.20q", plain)
	}
	if fenced := fakellm.DefaultContent(prompt, 2); !strings.HasPrefix(fenced, "```json\n") || !strings.HasSuffix(fenced, "\n```") {
		t.Errorf("even call should be fenced: %.20q", fenced)
	}
}

func TestDefaultSinglePostWithoutRoleLines(t *testing.T) {
	prompt := "Negócio: Pet do Bairro\nBairro: Portão\nEscreva um post.\nResponda com JSON:\n{\n  role: string,\n  hook: string,\n  caption: string,\n  hashtags: string[],\n  production_note: string,\n}"
	posts := parsePosts(t, fakellm.DefaultContent(prompt, 1))
	if len(posts) != 1 {
		t.Fatalf("want 1 post, got %d", len(posts))
	}
	if !contains(posts[0].Hashtags, "#petdobairro") {
		t.Errorf("hashtags %v", posts[0].Hashtags)
	}
	assertPublishable(t, checks.Context{Business: content.Business{Name: "Pet do Bairro", Neighbourhood: "Portão"}}, posts)
}

func TestDefaultJudgeVerdict(t *testing.T) {
	// The rendered post a judge reads mentions "Nota de produção", not the
	// field name; the output format names reasoning and pass.
	prompt := "Post a avaliar:\n---\nGancho: Olá\nNota de produção: foto\n---\nAnswer in JSON using this schema:\n{\n  reasoning: string,\n  pass: bool,\n}"
	var verdict struct {
		Reasoning *string `json:"reasoning"`
		Pass      *bool   `json:"pass"`
	}
	if err := json.Unmarshal([]byte(fakellm.DefaultContent(prompt, 1)), &verdict); err != nil {
		t.Fatal(err)
	}
	if verdict.Reasoning == nil || *verdict.Reasoning == "" || verdict.Pass == nil || !*verdict.Pass {
		t.Errorf("verdict %+v", verdict)
	}
}

func TestDefaultEcho(t *testing.T) {
	got := fakellm.DefaultContent("diga algo curto", 1)
	if got != "Resposta de teste do fakellm: diga algo curto" {
		t.Errorf("echo %q", got)
	}
}

// The default reply must survive the stream: reassembled SSE deltas are the
// same parsable posts.
func TestDefaultPostsOverStream(t *testing.T) {
	fake, srv := newServer(t)
	fake.Enqueue(fakellm.Reply{Status: 200, Times: 1}) // scripted but empty: default content
	for _, stream := range []bool{true, false} {
		resp := post(t, srv.URL+"/v1/chat/completions", chatBody(t, writePostsPrompt("Doces da Lu", "produto", "dica"), stream), nil)
		var text string
		if stream {
			text, _, _, _ = readStream(t, resp.Body)
		} else {
			var c completion
			if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
				t.Fatal(err)
			}
			text = c.Choices[0].Message.Content
		}
		posts := parsePosts(t, text)
		if len(posts) != 2 || posts[0].Role != "produto" || posts[1].Role != "dica" {
			t.Errorf("stream=%v: posts %+v", stream, posts)
		}
	}
}

func contains(list []string, s string) bool {
	for _, it := range list {
		if it == s {
			return true
		}
	}
	return false
}

// Each fault makes the check it is named after fail, on every post of the
// reply, while the default reply for the same prompt passes everything.
func TestFaultsFailTheirCheck(t *testing.T) {
	c := testContext("Doce Ateliê da Lu")
	want := map[fakellm.Fault]string{
		fakellm.FaultInventedPrice: checks.IDNothingInvented,
		fakellm.FaultWrongPhone:    checks.IDNothingInvented,
		fakellm.FaultGeneric:       checks.IDSpecific,
		fakellm.FaultStockPhrases:  checks.IDStockPhrases,
		fakellm.FaultRepeatedHook:  checks.IDNewHook,
		fakellm.FaultNoOffer:       checks.IDRoleFulfilled,
		fakellm.FaultEuropean:      checks.IDBrazilianPortuguese,
	}
	if len(want) != len(fakellm.Faults) {
		t.Fatalf("test covers %d faults, fakellm has %d", len(want), len(fakellm.Faults))
	}
	for fault, id := range want {
		roles := []string{"produto", "oferta"}
		if fault == fakellm.FaultNoOffer {
			roles = []string{"oferta"}
		}
		posts := parsePosts(t, fakellm.FaultyContent(renderPrompt(c, roles...), 1, fault))
		for i, rs := range checks.RunRequest(c, posts) {
			r, _ := checks.Find(rs, id)
			if r.Passed {
				t.Errorf("fault %s: post %d passed %s\ncaption: %q", fault, i, id, posts[i].Caption)
			}
		}
	}
	assertPublishable(t, c, parsePosts(t, fakellm.DefaultContent(renderPrompt(c, "produto", "oferta"), 1)))
}

func TestFaultValid(t *testing.T) {
	for _, f := range append(fakellm.Faults, "") {
		if !f.Valid() {
			t.Errorf("%q not valid", f)
		}
	}
	if fakellm.Fault("made_up").Valid() {
		t.Error("unknown fault accepted")
	}
}
