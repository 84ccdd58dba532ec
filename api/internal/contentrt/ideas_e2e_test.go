package contentrt_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/eval/fakellm"
)

// Ideas for Alice's confeitaria through the real BAML runtime and fakellm:
// stored per client and date; a failing provider gets generation's errors
// and nothing stored.
func TestEndToEndIdeas(t *testing.T) {
	s := newStack(t, apiKey, 20*time.Second)
	today := calendar.DateOf(time.Now(), calendar.SaoPaulo)
	mothers, _ := calendar.Default.Occasion("dia-das-maes")
	date, _ := mothers.On(today.Year)
	if date.Before(today) {
		date, _ = mothers.On(today.Year + 1)
	}
	path := "/api/rekan/businesses/" + fx.AliceBusiness + "/ideas"
	body := `{"occasion_id":"dia-das-maes","date":"` + date.String() + `"}`

	r := s.do(t, context.Background(), http.MethodPost, path, fx.AliceToken, body)
	if r.status != 200 {
		t.Fatalf("ideas: %d %s", r.status, r.raw)
	}
	ideas, _ := r.body["ideas"].([]any)
	if len(ideas) < 3 || len(ideas) > 5 {
		t.Fatalf("%d ideas: %s", len(ideas), r.raw)
	}
	stored, err := s.app.FindAllRecords("ideas")
	if err != nil || len(stored) != len(ideas) {
		t.Fatalf("stored %d ideas (%v), answered %d", len(stored), err, len(ideas))
	}
	for _, i := range stored {
		if i.GetString("business") != fx.AliceBusiness || i.GetString("occasion") != "dia-das-maes" || i.GetString("date") != date.String() ||
			i.GetString("brief") == "" || i.GetString("model") != "fake-writer" {
			t.Errorf("stored idea %v", i.PublicExport())
		}
		if on := i.GetString("publish_on"); on < today.String() || on > date.String() {
			t.Errorf("publish_on %s outside [%s, %s]", on, today, date)
		}
	}
	prompt := s.fake.Requests()[0].Prompt()
	for _, want := range []string{"Confeitaria da Lu", "Dia das Mães (" + date.String() + ")", mothers.Angle, "Olha esse bolo!"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("prompt lacks %q", want)
		}
	}

	s.fake.Reset()
	s.fake.Enqueue(fakellm.Reply{Status: 500, Times: 20})
	r = s.do(t, context.Background(), http.MethodPost, path, fx.AliceToken, body)
	if r.status != 502 || data(r)["code"] != "llm_failed" || !strings.Contains(r.raw, "O provedor de IA falhou") {
		t.Fatalf("failing provider: %d %s", r.status, r.raw)
	}
	if after, _ := s.app.FindAllRecords("ideas"); len(after) != len(stored) {
		t.Errorf("a failed call stored ideas: %d, want %d", len(after), len(stored))
	}
}
