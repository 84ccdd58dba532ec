package fakellm

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/content"
)

func TestIdeasReply(t *testing.T) {
	prompt := strings.Join([]string{
		"Negócio: Doces da Lu",
		"Produtos e serviços:",
		"- Bolo de pote (R$ 15,00)",
		"Ideias de post para a data: Dia das Mães (2026-05-10)",
		"Começar a postar em: 2026-04-10",
		"Hoje: 2026-04-20",
		"Responda só com JSON neste formato:",
		ideasOutputFormat,
	}, "\n")
	var ideas []content.Idea
	if err := json.Unmarshal([]byte(DefaultContent(prompt, 0)), &ideas); err != nil {
		t.Fatal(err)
	}
	if len(ideas) != 4 {
		t.Fatalf("%d ideas", len(ideas))
	}
	if ideas[0].PublishOn != "2026-04-20" || ideas[3].PublishOn != "2026-05-10" {
		t.Errorf("publish dates %s … %s, want today … the date", ideas[0].PublishOn, ideas[3].PublishOn)
	}
	if !strings.Contains(ideas[0].Brief, "Bolo de pote") || !strings.Contains(ideas[0].Title, "Dia das Mães") {
		t.Errorf("first idea %+v", ideas[0])
	}
	// A WritePosts prompt is still answered with posts.
	if strings.Contains(DefaultContent("Negócio: Doces da Lu\nPost 1: papel \"produto\"\n"+postOutputFormat("[\n  {", "  }\n]"), 0), "publish_on") {
		t.Error("a posts prompt got ideas")
	}
}

// ideasOutputFormat is what BAML renders for Idea[] (abridged descriptions).
const ideasOutputFormat = "[\n  {\n    // título curto da ideia\n    title: string,\n    brief: string,\n    type: string,\n    publish_on: string,\n  }\n]"

// postOutputFormat is what BAML renders for Post between open and close:
// "{" … "}" for one post, "[\n  {" … "  }\n]" for Post[].
func postOutputFormat(open, close string) string {
	return open + "\n    role: string,\n    hook: string,\n    caption: string,\n    hashtags: string[],\n    production_note: string,\n" + close
}
