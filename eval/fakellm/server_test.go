package fakellm_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/fakellm"
)

type completion struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Model   string `json:"model"`
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	} `json:"usage"`
}

type openAIError struct {
	Error struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"error"`
}

func newServer(t *testing.T) (*fakellm.Server, *httptest.Server) {
	t.Helper()
	fake := fakellm.New()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, srv
}

func chatBody(t *testing.T, prompt string, stream bool) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"model":    "test-model",
		"stream":   stream,
		"messages": []any{map[string]any{"role": "user", "content": prompt}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func post(t *testing.T, url string, body []byte, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// complete sends a non-streaming completion and returns the assistant text.
func complete(t *testing.T, baseURL, prompt string) (int, string) {
	t.Helper()
	resp := post(t, baseURL+"/v1/chat/completions", chatBody(t, prompt, false), nil)
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, string(data)
	}
	var c completion
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatalf("response is not a completion: %v\n%s", err, data)
	}
	if len(c.Choices) != 1 {
		t.Fatalf("want 1 choice, got %d", len(c.Choices))
	}
	return resp.StatusCode, c.Choices[0].Message.Content
}

func TestJSONCompletion(t *testing.T) {
	fake, srv := newServer(t)
	fake.Enqueue(fakellm.Reply{Content: "olá, mundo"})

	resp := post(t, srv.URL+"/v1/chat/completions", chatBody(t, "diga olá", false), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	var c completion
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		t.Fatal(err)
	}
	if c.Object != "chat.completion" || c.Model != "test-model" || c.ID == "" {
		t.Errorf("unexpected envelope: %+v", c)
	}
	if len(c.Choices) != 1 || c.Choices[0].Message.Content != "olá, mundo" || c.Choices[0].Message.Role != "assistant" || c.Choices[0].FinishReason != "stop" {
		t.Fatalf("unexpected choices: %+v", c.Choices)
	}
	if c.Usage.PromptTokens <= 0 || c.Usage.CompletionTokens <= 0 || c.Usage.TotalTokens != c.Usage.PromptTokens+c.Usage.CompletionTokens {
		t.Errorf("inconsistent usage: %+v", c.Usage)
	}
}

func TestPathWithoutV1(t *testing.T) {
	fake, srv := newServer(t)
	fake.Enqueue(fakellm.Reply{Content: "ok"})
	resp := post(t, srv.URL+"/chat/completions", chatBody(t, "x", false), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := fake.Requests(); len(got) != 1 || got[0].Path != "/chat/completions" {
		t.Fatalf("records: %+v", got)
	}
}

// readStream parses an SSE body the way OpenAI clients do and returns the
// concatenated delta content, the finish reason and whether [DONE] came last.
func readStream(t *testing.T, body io.Reader) (content, finish string, usage bool, done bool) {
	t.Helper()
	scanner := bufio.NewScanner(body)
	var b strings.Builder
	first := true
	for scanner.Scan() {
		line := scanner.Text()
		if line == "" {
			continue
		}
		if done {
			t.Fatalf("data after [DONE]: %q", line)
		}
		payload, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("not an SSE data line: %q", line)
		}
		if payload == "[DONE]" {
			done = true
			continue
		}
		var chunk struct {
			Object  string `json:"object"`
			Choices []struct {
				Delta struct {
					Role    string `json:"role"`
					Content string `json:"content"`
				} `json:"delta"`
				FinishReason *string `json:"finish_reason"`
			} `json:"choices"`
			Usage *struct {
				TotalTokens int `json:"total_tokens"`
			} `json:"usage"`
		}
		if err := json.Unmarshal([]byte(payload), &chunk); err != nil {
			t.Fatalf("chunk is not JSON: %v: %q", err, payload)
		}
		if chunk.Object != "chat.completion.chunk" {
			t.Fatalf("object %q", chunk.Object)
		}
		if chunk.Usage != nil && chunk.Usage.TotalTokens > 0 {
			usage = true
		}
		for _, c := range chunk.Choices {
			if first && c.Delta.Role != "assistant" {
				t.Errorf("first delta should carry the assistant role, got %q", c.Delta.Role)
			}
			first = false
			b.WriteString(c.Delta.Content)
			if c.FinishReason != nil {
				finish = *c.FinishReason
			}
		}
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String(), finish, usage, done
}

func TestStreamCompletion(t *testing.T) {
	fake, srv := newServer(t)
	want := strings.Repeat("Conteúdo em pedaços, com acentos: ação, pão. ", 5)
	fake.Enqueue(fakellm.Reply{Content: want})

	resp := post(t, srv.URL+"/v1/chat/completions", chatBody(t, "x", true), nil)
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	got, finish, usage, done := readStream(t, resp.Body)
	if got != want {
		t.Errorf("streamed content\n got %q\nwant %q", got, want)
	}
	if finish != "stop" || !done {
		t.Errorf("finish %q, done %v", finish, done)
	}
	if usage {
		t.Error("usage chunk sent without stream_options.include_usage")
	}
	if reqs := fake.Requests(); len(reqs) != 1 || !reqs[0].Stream {
		t.Errorf("stream flag not recorded: %+v", reqs)
	}
}

func TestStreamIncludeUsage(t *testing.T) {
	fake, srv := newServer(t)
	fake.Enqueue(fakellm.Reply{Content: "curto"})
	body := []byte(`{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}`)
	resp := post(t, srv.URL+"/v1/chat/completions", body, nil)
	got, _, usage, done := readStream(t, resp.Body)
	if got != "curto" || !usage || !done {
		t.Errorf("content %q usage %v done %v", got, usage, done)
	}
}

func TestScriptedErrorStatus(t *testing.T) {
	for _, status := range []int{400, 401, 429, 500, 503} {
		fake, srv := newServer(t)
		fake.Enqueue(fakellm.Reply{Status: status, Content: "ignored"})
		for _, stream := range []bool{false, true} {
			if stream {
				fake.Enqueue(fakellm.Reply{Status: status})
			}
			resp := post(t, srv.URL+"/v1/chat/completions", chatBody(t, "x", stream), nil)
			if resp.StatusCode != status {
				t.Fatalf("want %d, got %d", status, resp.StatusCode)
			}
			var e openAIError
			if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
				t.Fatalf("error body is not JSON: %v", err)
			}
			if e.Error.Message == "" || e.Error.Type == "" {
				t.Errorf("status %d: error body lacks message/type: %+v", status, e)
			}
		}
	}
}

func TestScriptedRawBody(t *testing.T) {
	fake, srv := newServer(t)
	fake.Enqueue(
		fakellm.Reply{Body: "this is {not json"},
		fakellm.Reply{Status: 502, Body: "<html>bad gateway</html>"},
	)
	resp := post(t, srv.URL+"/v1/chat/completions", chatBody(t, "x", false), nil)
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(data) != "this is {not json" {
		t.Errorf("got %d %q", resp.StatusCode, data)
	}
	resp = post(t, srv.URL+"/v1/chat/completions", chatBody(t, "x", false), nil)
	data, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 502 || string(data) != "<html>bad gateway</html>" {
		t.Errorf("got %d %q", resp.StatusCode, data)
	}
}

func TestFIFOAndTimes(t *testing.T) {
	fake, srv := newServer(t)
	fake.Enqueue(fakellm.Reply{Content: "A", Times: 2}, fakellm.Reply{Content: "B"})
	fake.Enqueue(fakellm.Reply{Status: 500})
	if n := fake.Pending(); n != 4 {
		t.Fatalf("pending %d, want 4", n)
	}
	var got []string
	for range 4 {
		status, content := complete(t, srv.URL, "olá")
		if status != 200 {
			content = "error"
		}
		got = append(got, content)
	}
	if strings.Join(got, ",") != "A,A,B,error" {
		t.Errorf("order %v", got)
	}
	// Then the default reply takes over.
	status, content := complete(t, srv.URL, "olá")
	if status != 200 || !strings.HasPrefix(content, "Resposta de teste do fakellm") {
		t.Errorf("default reply: %d %q", status, content)
	}
}

func TestDelay(t *testing.T) {
	fake, srv := newServer(t)
	fake.Enqueue(fakellm.Reply{Content: "late", Delay: 150 * time.Millisecond})
	start := time.Now()
	_, content := complete(t, srv.URL, "x")
	if elapsed := time.Since(start); elapsed < 150*time.Millisecond {
		t.Errorf("answered after %v, before the scripted delay", elapsed)
	}
	if content != "late" {
		t.Errorf("content %q", content)
	}

	fake.SetLatency(120 * time.Millisecond)
	start = time.Now()
	complete(t, srv.URL, "x")
	if elapsed := time.Since(start); elapsed < 120*time.Millisecond {
		t.Errorf("default reply answered after %v, before the latency", elapsed)
	}
}

func TestDelayHonoursCancellation(t *testing.T) {
	fake := fakellm.New()
	srv := httptest.NewServer(fake)
	fake.Enqueue(fakellm.Reply{Content: "never", Delay: time.Hour})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/chat/completions", bytes.NewReader(chatBody(t, "x", false)))
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a deadline error, got %v", err)
	}
	// Close waits for running handlers: it only returns if the handler
	// stopped sleeping when the client went away.
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("handler kept sleeping after the client cancelled")
	}
}

func TestRecords(t *testing.T) {
	fake, srv := newServer(t)
	body := []byte(`{"model":"writer-x","messages":[
		{"role":"system","content":"sistema"},
		{"role":"user","content":[{"type":"text","text":"parte 1"},{"type":"text","text":"parte 2"}]}]}`)
	post(t, srv.URL+"/v1/chat/completions", body, map[string]string{"Authorization": "Bearer sk-test-123"})
	post(t, srv.URL+"/v1/chat/completions", chatBody(t, "sem chave", true), nil)

	reqs := fake.Requests()
	if len(reqs) != 2 {
		t.Fatalf("want 2 records, got %d", len(reqs))
	}
	first := reqs[0]
	if first.Model != "writer-x" || first.Stream || !first.HasAuthorization || first.Authorization != "Bearer sk-test-123" {
		t.Errorf("first record: %+v", first)
	}
	if len(first.Messages) != 2 || first.Messages[0].Role != "system" || first.Messages[1].Content != "parte 1\nparte 2" {
		t.Errorf("messages: %+v", first.Messages)
	}
	if first.Time.IsZero() || reqs[1].Time.Before(first.Time) {
		t.Errorf("times: %v %v", first.Time, reqs[1].Time)
	}
	if reqs[1].HasAuthorization || reqs[1].Authorization != "" || !reqs[1].Stream {
		t.Errorf("second record: %+v", reqs[1])
	}

	fake.Enqueue(fakellm.Reply{Content: "x"})
	fake.SetLatency(time.Hour)
	fake.Reset()
	if len(fake.Requests()) != 0 || fake.Pending() != 0 {
		t.Error("reset kept records or script")
	}
	// The hour of latency must be gone too.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/chat/completions", bytes.NewReader(chatBody(t, "x", false)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("reset kept the latency: %v", err)
	}
	resp.Body.Close()
}

func TestBadCompletionRequests(t *testing.T) {
	_, srv := newServer(t)
	for _, body := range []string{"not json", `{"model":"m","messages":[]}`} {
		resp := post(t, srv.URL+"/v1/chat/completions", []byte(body), nil)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%q: status %d", body, resp.StatusCode)
		}
	}
}
