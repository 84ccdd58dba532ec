package fakellm_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/fakellm"
)

// writePostsPrompt imitates the user message of the WritePosts BAML
// function (eval/baml_src/content.baml): indented profile lines, role lines
// and the output format mentioning production_note.
func writePostsPrompt(name string, roles ...string) string {
	var b strings.Builder
	b.WriteString("Perfil do negócio:\n  Negócio: " + name + "\n  Segmento: confeitaria\n  Cidade: Belo Horizonte - MG\n\n")
	b.WriteString("Briefing do dono (o assunto destes posts):\nfiz um bolo de casamento rosa e dourado\n\n")
	fmt.Fprintf(&b, "Escreva %d post(s), um para cada papel abaixo, nesta ordem:\n", len(roles))
	for i, r := range roles {
		fmt.Fprintf(&b, "Post %d: papel \"%s\"\n", i+1, r)
	}
	b.WriteString("\nResponda só com JSON neste formato:\n[\n  {\n    role: string,\n    hook: string,\n    caption: string,\n    hashtags: string[],\n    production_note: string,\n  }\n]\n")
	return b.String()
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

func assertPublishable(t *testing.T, p content.Post) {
	t.Helper()
	for _, r := range checks.Run(p) {
		if !r.Passed {
			t.Errorf("role %q: check %s failed (%s): %s\ncaption: %q\nhashtags: %v", p.Role, r.ID, r.Severity, r.Reason, p.Caption, p.Hashtags)
		}
	}
	if first, _, _ := strings.Cut(p.Caption, "\n"); first != p.Hook {
		t.Errorf("role %q: caption's first line %q is not the hook %q", p.Role, first, p.Hook)
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
		assertPublishable(t, p)
	}
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
			for _, p := range posts {
				assertPublishable(t, p)
			}
		}
	}
}

func TestDefaultHooksVaryBetweenCalls(t *testing.T) {
	prompt := writePostsPrompt("Doces da Lu", "produto")
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
	prompt := "Negócio: Pet do Bairro\nEscreva um post.\nResponda com JSON: {role, hook, caption, hashtags, production_note}"
	posts := parsePosts(t, fakellm.DefaultContent(prompt, 1))
	if len(posts) != 1 {
		t.Fatalf("want 1 post, got %d", len(posts))
	}
	if !contains(posts[0].Hashtags, "#petdobairro") {
		t.Errorf("hashtags %v", posts[0].Hashtags)
	}
	assertPublishable(t, posts[0])
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
