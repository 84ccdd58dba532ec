package fakellm_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/fakellm"
)

func control(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(data)
}

func TestControlReplies(t *testing.T) {
	_, srv := newServer(t)
	status, body := control(t, "POST", srv.URL+"/_fake/replies",
		`[{"content":"um","times":2},{"status":429},{"body":"lixo"},{"delay_ms":100,"content":"tarde"}]`)
	if status != 200 || !strings.Contains(body, `"pending":5`) {
		t.Fatalf("replies: %d %s", status, body)
	}
	var got []string
	for range 3 {
		_, content := complete(t, srv.URL, "x")
		got = append(got, content)
	}
	resp := post(t, srv.URL+"/v1/chat/completions", chatBody(t, "x", false), nil)
	rawBytes, _ := io.ReadAll(resp.Body)
	raw := string(rawBytes)
	start := time.Now()
	_, late := complete(t, srv.URL, "x")
	if time.Since(start) < 100*time.Millisecond {
		t.Error("delay_ms not applied")
	}
	if got[0] != "um" || got[1] != "um" || !strings.Contains(got[2], "rate_limit") || raw != "lixo" || late != "tarde" {
		t.Errorf("scripted replies: %q %q %q", got, raw, late)
	}

	// A single object is accepted too.
	if status, body := control(t, "POST", srv.URL+"/_fake/replies", `{"content":"só um"}`); status != 200 || !strings.Contains(body, `"pending":1`) {
		t.Fatalf("single reply: %d %s", status, body)
	}
	if _, content := complete(t, srv.URL, "x"); content != "só um" {
		t.Errorf("content %q", content)
	}
}

func TestControlRejectsBadScripts(t *testing.T) {
	_, srv := newServer(t)
	for _, body := range []string{
		`nope`,
		`[{"contents":"typo"}]`,
		`[{"status":99}]`,
		`[{"delay_ms":-1}]`,
		`[{"times":-2}]`,
	} {
		status, resp := control(t, "POST", srv.URL+"/_fake/replies", body)
		if status != http.StatusBadRequest || !strings.Contains(resp, `"error"`) {
			t.Errorf("%s: %d %s", body, status, resp)
		}
	}
	if status, body := control(t, "GET", srv.URL+"/_fake/health", ""); status != 200 || !strings.Contains(body, `"pending":0`) {
		t.Errorf("a rejected script was queued: %s", body)
	}
}

func TestControlLatencyRequestsResetHealth(t *testing.T) {
	_, srv := newServer(t)
	if status, _ := control(t, "POST", srv.URL+"/_fake/latency", `{"ms":120}`); status != 200 {
		t.Fatalf("latency status %d", status)
	}
	for _, bad := range []string{`{}`, `{"ms":-5}`, `{"sec":1}`} {
		if status, _ := control(t, "POST", srv.URL+"/_fake/latency", bad); status != 400 {
			t.Errorf("latency %s accepted", bad)
		}
	}
	start := time.Now()
	complete(t, srv.URL, "primeira")
	if time.Since(start) < 120*time.Millisecond {
		t.Error("latency not applied")
	}

	status, body := control(t, "GET", srv.URL+"/_fake/requests", "")
	var reqs []fakellm.Request
	if err := json.Unmarshal([]byte(body), &reqs); err != nil || status != 200 {
		t.Fatalf("requests: %d %v %s", status, err, body)
	}
	if len(reqs) != 1 || reqs[0].Messages[0].Content != "primeira" || reqs[0].Model != "test-model" {
		t.Errorf("records: %+v", reqs)
	}
	for _, field := range []string{`"model"`, `"messages"`, `"stream"`, `"has_authorization"`, `"authorization"`, `"time"`, `"path"`} {
		if !strings.Contains(body, field) {
			t.Errorf("records JSON lacks %s: %s", field, body)
		}
	}

	control(t, "POST", srv.URL+"/_fake/replies", `[{"content":"x"}]`)
	if status, _ := control(t, "POST", srv.URL+"/_fake/reset", ""); status != 200 {
		t.Fatalf("reset status %d", status)
	}
	if _, body := control(t, "GET", srv.URL+"/_fake/requests", ""); strings.TrimSpace(body) != "[]" {
		t.Errorf("records after reset: %s", body)
	}
	start = time.Now()
	_, content := complete(t, srv.URL, "x")
	if time.Since(start) >= 120*time.Millisecond || content == "x" {
		t.Errorf("reset kept latency or script (content %q)", content)
	}
	if status, body := control(t, "GET", srv.URL+"/_fake/health", ""); status != 200 || !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("health: %d %s", status, body)
	}
	if status, _ := control(t, "GET", srv.URL+"/_fake/reset", ""); status != http.StatusMethodNotAllowed {
		t.Errorf("GET reset: %d", status)
	}
}

func TestControlFaultAndModels(t *testing.T) {
	fake, srv := newServer(t)
	if status, body := control(t, "POST", srv.URL+"/_fake/replies", `{"fault":"made_up"}`); status != 400 || !strings.Contains(body, "unknown fault") {
		t.Fatalf("unknown fault: %d %s", status, body)
	}
	if status, body := control(t, "POST", srv.URL+"/_fake/replies", `{"fault":"invented_price"}`); status != 200 {
		t.Fatalf("fault: %d %s", status, body)
	}
	prompt := writePostsPrompt("Doce Ateliê da Lu", "produto")
	if _, content := complete(t, srv.URL, prompt); !strings.Contains(content, "R$ 37,90") {
		t.Errorf("scripted fault did not plant a price: %s", content)
	}
	if _, content := complete(t, srv.URL, prompt); strings.Contains(content, "R$ 37,90") {
		t.Errorf("the fault outlived its script: %s", content)
	}
	fake.SetFault(fakellm.FaultWrongPhone)
	if _, content := complete(t, srv.URL, prompt); !strings.Contains(content, "(11) 91234-5678") {
		t.Errorf("SetFault did not apply to default replies: %s", content)
	}
	status, body := control(t, "GET", srv.URL+"/v1/models", "")
	if status != 200 || !strings.Contains(body, `"owned_by":"fakellm"`) {
		t.Errorf("models: %d %s", status, body)
	}
}

// TestControlReplyMatch: a reply with match waits for the prompt that
// contains it; other requests pass it by.
func TestControlReplyMatch(t *testing.T) {
	_, srv := newServer(t)
	if status, body := control(t, "POST", srv.URL+"/_fake/replies", `[{"match":"Dora","content":"para a Dora"},{"content":"primeiro"}]`); status != 200 {
		t.Fatalf("replies: %d %s", status, body)
	}
	_, first := complete(t, srv.URL, "perfil da Carol")
	_, dora := complete(t, srv.URL, "perfil da Dora")
	_, other := complete(t, srv.URL, "perfil da Alice")
	if first != "primeiro" || dora != "para a Dora" || other == "para a Dora" || other == "primeiro" {
		t.Errorf("matched replies: %q %q %q", first, dora, other)
	}
}
