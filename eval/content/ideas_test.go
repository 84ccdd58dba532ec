package content_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/bamlapi"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/fakellm"
)

func sampleIdeasRequest() content.IdeasRequest {
	return content.IdeasRequest{
		Business:    sampleRequest(content.RoleProduct).Business,
		Occasion:    content.Occasion{Name: "Dia das Mães", Date: "2026-05-10", StartBy: "2026-04-10", Angle: "presente com prazo de encomenda"},
		Today:       "2026-04-20",
		RecentHooks: []string{"Gente, olha isso!"},
	}
}

// Through the real BAML runtime and fakellm: the prompt carries the
// profile, the occasion, its angle and the recent hooks; the ideas come
// back within the window.
func TestSuggestIdeas(t *testing.T) {
	f := newFixture(t)
	res, err := f.writer.SuggestIdeas(context.Background(), sampleIdeasRequest())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Ideas) < content.MinIdeas || len(res.Ideas) > content.MaxIdeas || res.Model != "writer-model" {
		t.Fatalf("result %+v", res)
	}
	for _, idea := range res.Ideas {
		if idea.PublishOn < "2026-04-20" || idea.PublishOn > "2026-05-10" || idea.Brief == "" {
			t.Errorf("idea %+v", idea)
		}
	}
	reqs := f.fake.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d provider calls", len(reqs))
	}
	var prompt strings.Builder
	for _, m := range reqs[0].Messages {
		prompt.WriteString(m.Content)
	}
	for _, want := range []string{"Doces da Lu", "Dia das Mães (2026-05-10)", "presente com prazo de encomenda", "Gente, olha isso!", "Hoje: 2026-04-20"} {
		if !strings.Contains(prompt.String(), want) {
			t.Errorf("prompt lacks %q", want)
		}
	}
}

func TestSuggestIdeasFailures(t *testing.T) {
	f := newFixture(t)
	f.fake.Enqueue(fakellm.Reply{Status: http.StatusInternalServerError, Times: attemptsPerCall})
	if _, err := f.writer.SuggestIdeas(context.Background(), sampleIdeasRequest()); !errors.Is(err, content.ErrProvider) {
		t.Errorf("provider down: %v", err)
	}
	f.fake.Enqueue(fakellm.Reply{Content: `[{"title":"Só uma","brief":"uma ideia","type":"foto","publish_on":"2026-05-01"}]`, Times: attemptsPerCall})
	if _, err := f.writer.SuggestIdeas(context.Background(), sampleIdeasRequest()); !errors.Is(err, content.ErrInvalidOutput) {
		t.Errorf("one idea: %v", err)
	}
	bad := sampleIdeasRequest()
	bad.Occasion.Date = "10/05/2026"
	if _, err := f.writer.SuggestIdeas(context.Background(), bad); !errors.Is(err, content.ErrInvalidRequest) {
		t.Errorf("bad date: %v", err)
	}
}

func TestNormaliseIdeas(t *testing.T) {
	got := []bamlapi.Idea{
		{Title: " A ", Brief: " b ", Type: "Reels", PublishOn: "2026-04-01"},
		{Title: "", Brief: "sem título", Type: "foto", PublishOn: "2026-05-01"},
		{Title: "C", Brief: "c", Type: "live", PublishOn: "amanhã"},
		{Title: "D", Brief: "d", Type: "stories", PublishOn: "2026-06-01"},
		{Title: "E", Brief: "e", Type: "carrossel", PublishOn: "2026-05-02"},
		{Title: "F", Brief: "f", Type: "foto", PublishOn: "2026-05-03"},
		{Title: "G", Brief: "g", Type: "foto", PublishOn: "2026-05-04"},
	}
	ideas, err := content.NormaliseIdeas(got, sampleIdeasRequest())
	if err != nil {
		t.Fatal(err)
	}
	want := []content.Idea{
		{Title: "A", Brief: "b", Type: "reels", PublishOn: "2026-04-20"},
		{Title: "C", Brief: "c", Type: "foto", PublishOn: "2026-04-20"},
		{Title: "D", Brief: "d", Type: "stories", PublishOn: "2026-05-10"},
		{Title: "E", Brief: "e", Type: "carrossel", PublishOn: "2026-05-02"},
		{Title: "F", Brief: "f", Type: "foto", PublishOn: "2026-05-03"},
	}
	if len(ideas) != len(want) {
		t.Fatalf("ideas %+v", ideas)
	}
	for i := range want {
		if ideas[i] != want[i] {
			t.Errorf("idea %d = %+v, want %+v", i, ideas[i], want[i])
		}
	}
}
