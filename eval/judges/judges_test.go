package judges

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/content"
)

func TestDecide(t *testing.T) {
	pass := Vote{Judge: "JudgeA", Pass: true}
	fail := Vote{Judge: "JudgeB", Pass: false}
	broken := Vote{Judge: "JudgeB", Error: "provider 500"}
	tests := []struct {
		name  string
		votes []Vote
		want  Status
	}{
		{"both pass", []Vote{pass, pass}, StatusPass},
		{"one fails", []Vote{pass, fail}, StatusFail},
		{"both fail", []Vote{fail, fail}, StatusFail},
		{"pass and failed vote", []Vote{pass, broken}, StatusPass},
		{"fail and failed vote", []Vote{broken, fail}, StatusFail},
		{"all votes failed", []Vote{broken, broken}, StatusError},
		{"no votes", nil, StatusError},
		// A failed vote carries Pass=false; it must not count as a fail.
		{"failed vote with pass false", []Vote{{Error: "x", Pass: false}, pass}, StatusPass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decide(Hook, tt.votes)
			if got.Status != tt.want {
				t.Fatalf("status = %s, want %s", got.Status, tt.want)
			}
			if len(got.Votes) != len(tt.votes) {
				t.Fatalf("votes not kept: %d of %d", len(got.Votes), len(tt.votes))
			}
			if (got.Err() != nil) != (tt.want == StatusError) {
				t.Fatalf("Err() = %v for status %s", got.Err(), got.Status)
			}
		})
	}
}

// scripted answers per judge client; it also tracks concurrency.
type scripted struct {
	answers  map[string]func() (Opinion, error)
	inFlight atomic.Int32
	maxSeen  atomic.Int32
	mu       sync.Mutex
	asked    []string
}

func (s *scripted) Ask(ctx context.Context, j Judge, c Criterion, subj Subject) (Opinion, error) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		max := s.maxSeen.Load()
		if n <= max || s.maxSeen.CompareAndSwap(max, n) {
			break
		}
	}
	s.mu.Lock()
	s.asked = append(s.asked, j.Client+"/"+string(c))
	s.mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	return s.answers[j.Client]()
}

func TestPanelUnanimity(t *testing.T) {
	ok := func(pass bool) func() (Opinion, error) {
		return func() (Opinion, error) { return Opinion{Reasoning: "porque sim", Pass: pass}, nil }
	}
	broken := func() (Opinion, error) { return Opinion{}, errors.New("llm provider failed: 502") }
	judges := []Judge{{Client: "JudgeA", Model: "m-a"}, {Client: "JudgeB", Model: "m-b"}}
	tests := []struct {
		name    string
		a, b    func() (Opinion, error)
		want    Status
		errVote int
	}{
		{"unanimous pass", ok(true), ok(true), StatusPass, 0},
		{"split", ok(true), ok(false), StatusFail, 0},
		{"one failing vote, other passes", ok(true), broken, StatusPass, 1},
		{"one failing vote, other fails", broken, ok(false), StatusFail, 1},
		{"all votes failing", broken, broken, StatusError, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asker := &scripted{answers: map[string]func() (Opinion, error){"JudgeA": tt.a, "JudgeB": tt.b}}
			panel := Panel{Asker: asker, Judges: judges, Limiter: NewLimiter(4)}
			v := panel.Judge(context.Background(), Naturalness, Subject{Business: "b", Posts: []string{"p"}})
			if v.Status != tt.want {
				t.Fatalf("status = %s, want %s (votes %+v)", v.Status, tt.want, v.Votes)
			}
			failed := 0
			for i, vote := range v.Votes {
				if vote.Judge != judges[i].Client || vote.Model != judges[i].Model {
					t.Errorf("vote %d recorded as %s/%s", i, vote.Judge, vote.Model)
				}
				if vote.Failed() {
					failed++
					if !strings.Contains(vote.Error, "502") {
						t.Errorf("failed vote lost its error: %q", vote.Error)
					}
				} else if vote.Reasoning == "" {
					t.Errorf("vote %d lost its reasoning", i)
				}
			}
			if failed != tt.errVote {
				t.Fatalf("%d failed votes, want %d", failed, tt.errVote)
			}
			if tt.want == StatusError && !errors.Is(v.Err(), ErrNoVotes) {
				t.Fatalf("all-failed verdict must be ErrNoVotes, got %v", v.Err())
			}
		})
	}
}

func TestLimiterBoundsConcurrency(t *testing.T) {
	asker := &scripted{answers: map[string]func() (Opinion, error){
		"JudgeA": func() (Opinion, error) { return Opinion{Reasoning: "r", Pass: true}, nil },
		"JudgeB": func() (Opinion, error) { return Opinion{Reasoning: "r", Pass: true}, nil },
	}}
	panel := Panel{Asker: asker, Judges: []Judge{{Client: "JudgeA"}, {Client: "JudgeB"}}, Limiter: NewLimiter(3)}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			panel.Judge(context.Background(), Hook, Subject{})
		}()
	}
	wg.Wait()
	if got := asker.maxSeen.Load(); got > 3 || got < 2 {
		t.Fatalf("max concurrent calls = %d, want between 2 and the limit 3", got)
	}
	if len(asker.asked) != 20 {
		t.Fatalf("asked %d times, want 20", len(asker.asked))
	}
}

func TestCancelledContextFailsVotes(t *testing.T) {
	limiter := NewLimiter(1)
	limiter <- struct{}{} // the only slot is taken
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	panel := Panel{Asker: &scripted{}, Judges: []Judge{{Client: "JudgeA"}, {Client: "JudgeB"}}, Limiter: limiter}
	v := panel.Judge(ctx, Hook, Subject{})
	if v.Status != StatusError {
		t.Fatalf("status = %s, want error", v.Status)
	}
}

func TestPanelOf(t *testing.T) {
	panel := func(models string) ([]Judge, error) {
		return PanelOf(content.ProviderFromEnv(func(k string) string {
			if k == "REKAN_JUDGE_MODELS" {
				return models
			}
			return ""
		}))
	}
	got, err := panel(" openai/gpt-4o-mini, google/gemini-2.0-flash-001 ")
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != (Judge{Client: "JudgeA", Model: "openai/gpt-4o-mini"}) || got[1] != (Judge{Client: "JudgeB", Model: "google/gemini-2.0-flash-001"}) {
		t.Fatalf("PanelOf = %+v", got)
	}
	if one, err := panel("solo, "); err != nil || one[0].Model != "solo" || one[1].Model != "solo" || one[1].Client != "JudgeB" {
		t.Fatalf("one model should judge twice, got %+v, %v", one, err)
	}
	for _, bad := range []content.Provider{{}, {JudgeModels: []string{"a", "b", "c"}}} {
		if _, err := PanelOf(bad); err == nil {
			t.Errorf("PanelOf(%q) should fail", bad.JudgeModels)
		}
	}
}

func TestRender(t *testing.T) {
	price := 12.5
	b := content.Business{
		Name: "Açaí Tamoio", Segment: "açaí", City: "Belém", State: "PA", Neighbourhood: "Jurunas",
		Voice: "paraense", Services: []content.Offering{{Name: "litro", PriceBRL: &price}, {Name: "farinha"}},
		Facts: []string{"barco às 5h"},
	}
	got := RenderBusiness(b)
	for _, want := range []string{"Nome: Açaí Tamoio (açaí)", "Local: Jurunas, Belém - PA", "- litro (R$ 12,50)", "- farinha\n", "- barco às 5h", "Voz do dono: paraense"} {
		if !strings.Contains(got, want) {
			t.Errorf("RenderBusiness misses %q in:\n%s", want, got)
		}
	}
	post := RenderPost(content.Post{Role: content.RoleProduct, Hook: "Égua!", Caption: "Égua! Chegou.", Hashtags: []string{"#belem", "#acai"}, ProductionNote: "close da cuia"})
	for _, want := range []string{"Gancho: Égua!", "Legenda:\nÉgua! Chegou.", "Hashtags: #belem #acai", "Nota de produção: close da cuia"} {
		if !strings.Contains(post, want) {
			t.Errorf("RenderPost misses %q in:\n%s", want, post)
		}
	}
	// fakellm recognises judge prompts by the absence of the writer's field name.
	if strings.Contains(post, "production_note") {
		t.Error("RenderPost must not leak JSON field names into judge prompts")
	}
}
