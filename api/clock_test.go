package main

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/fakellm"
)

// At 02:30 UTC on March 10 it is 23:30 on March 9 in São Paulo: the real
// server says today is the 9th, and a post published then is dated the 9th.
func TestServeEndToEndTodayIsTheInstancesDate(t *testing.T) {
	cli := requireCLI(t)
	fake := httptest.NewServer(fakellm.New())
	defer fake.Close()
	s := startServer(t, t.TempDir(), dataWithAlice(t), []string{
		"REKAN_TEST_NOW=test-only:2026-03-10T02:30:00Z",
		"REKAN_BAML_CLI=" + cli,
		"REKAN_LLM_BASE_URL=" + fake.URL + "/v1",
		"REKAN_LLM_API_KEY=sk-clock-test",
		"REKAN_WRITER_MODEL=fake-writer",
	})
	status, _, body := s.call(t, "GET", "/api/rekan/config", "", "")
	if status != 200 || !strings.HasSuffix(body, `"timezone":"America/Sao_Paulo","today":"2026-03-09"}`) {
		t.Errorf("config: %d %s", status, body)
	}

	token, businessID := s.loginWithBusiness(t, "alice@example.com", "a-long-password")
	gen := postGenerate(s.base, token, businessID, "bolo de cenoura com calda")
	var posts struct {
		Posts []struct {
			ID string `json:"id"`
		} `json:"posts"`
	}
	if err := json.Unmarshal([]byte(gen.body), &posts); gen.status != 200 || err != nil || len(posts.Posts) != 1 {
		t.Fatalf("generate: %d %s %v", gen.status, gen.body, gen.err)
	}
	status, _, body = s.call(t, "PUT", "/api/rekan/posts/"+posts.Posts[0].ID+":stage", token, `{"to":"publicado"}`)
	if status != 200 || !strings.Contains(body, `"publish_on":"2026-03-09"`) || !strings.Contains(body, `"stage":"publicado"`) {
		t.Errorf("publish: %d %s", status, body)
	}
}

// A frozen clock that does not say it is for tests refuses to start, and so
// does an unknown zone.
func TestServeRefusesABadClock(t *testing.T) {
	for _, env := range []string{"REKAN_TEST_NOW=2026-03-10T02:30:00Z", "REKAN_TIMEZONE=Brasil/Fortaleza"} {
		code, out := serveRefused(t, t.TempDir(), env)
		if code == 0 || !strings.Contains(out, strings.Split(env, "=")[0]) {
			t.Errorf("%s: exit %d, output %q", env, code, out)
		}
	}
}
