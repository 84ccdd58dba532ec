package fakellm_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A held stream has sent exactly hold_after_chars runes of content and
// nothing more until /_fake/release; then it ends as an unpaced one does.
func TestStreamHoldsUntilReleased(t *testing.T) {
	fake, srv := newServer(t)
	const hold = 30
	resp := post(t, srv.URL+"/_fake/stream", []byte(`{"tokens_per_second":1000,"hold_after_chars":30}`), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("pace: %d", resp.StatusCode)
	}
	content := strings.Repeat("abcdefghij", 8)
	post(t, srv.URL+"/_fake/replies", []byte(`{"content":"`+content+`"}`), nil)

	stream := post(t, srv.URL+"/v1/chat/completions", chatBody(t, "oi", true), nil)
	reader := bufio.NewReader(stream.Body)
	var got strings.Builder
	for got.Len() < hold {
		got.WriteString(nextDelta(t, reader))
	}
	if got.String() != content[:hold] {
		t.Fatalf("before the hold: %q", got.String())
	}
	deadline := time.Now().Add(5 * time.Second)
	for fake.Held() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the stream never held")
		}
		time.Sleep(10 * time.Millisecond)
	}
	released := post(t, srv.URL+"/_fake/release", nil, nil)
	var body struct{ Released int }
	if err := json.NewDecoder(released.Body).Decode(&body); err != nil || body.Released != 1 {
		t.Fatalf("release: %v %+v", err, body)
	}
	tail, err := io.ReadAll(reader)
	if err != nil {
		t.Fatal(err)
	}
	rest := bufio.NewReader(strings.NewReader(string(tail)))
	for got.Len() < len(content) {
		got.WriteString(nextDelta(t, rest))
	}
	if got.String() != content || !strings.Contains(string(tail), `"finish_reason":"stop"`) || !strings.HasSuffix(string(tail), "data: [DONE]\n\n") {
		t.Fatalf("after release: %q then %s", got.String(), tail)
	}
}

// A break aborts the connection after break_after_chars runes: no finish
// reason, no [DONE], a read error, as a provider dropping mid-reply.
func TestStreamBreaksMidway(t *testing.T) {
	_, srv := newServer(t)
	post(t, srv.URL+"/_fake/stream", []byte(`{"break_after_chars":10}`), nil)
	post(t, srv.URL+"/_fake/replies", []byte(`{"content":"abcdefghijklmnopqrstuvwxyz"}`), nil)
	stream := post(t, srv.URL+"/v1/chat/completions", chatBody(t, "oi", true), nil)
	body, err := io.ReadAll(stream.Body)
	if err == nil {
		t.Fatalf("the stream ended cleanly: %s", body)
	}
	if strings.Contains(string(body), "klm") || strings.Contains(string(body), "[DONE]") {
		t.Fatalf("sent past the break: %s", body)
	}
}

func TestStreamPaceRejectsNegatives(t *testing.T) {
	_, srv := newServer(t)
	if resp := post(t, srv.URL+"/_fake/stream", []byte(`{"first_token_ms":-1}`), nil); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

// nextDelta reads SSE lines until one carries delta content.
func nextDelta(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v", err)
		}
		payload, ok := strings.CutPrefix(strings.TrimSpace(line), "data: ")
		if !ok || payload == "[DONE]" {
			continue
		}
		var chunk struct {
			Choices []struct {
				Delta struct{ Content string } `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(payload), &chunk); err != nil {
			t.Fatal(err)
		}
		if len(chunk.Choices) > 0 && chunk.Choices[0].Delta.Content != "" {
			return chunk.Choices[0].Delta.Content
		}
	}
}

// A scripted reply with hold waits, counted by /_fake/held, until
// /_fake/release, then answers as scripted; the next request is not held.
func TestScriptedReplyHoldsUntilReleased(t *testing.T) {
	fake, srv := newServer(t)
	post(t, srv.URL+"/_fake/replies", []byte(`{"content":"segurado","hold":true}`), nil)
	type answer struct {
		status  int
		content string
	}
	done := make(chan answer, 1)
	go func() {
		status, content := complete(t, srv.URL, "oi")
		done <- answer{status, content}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for fake.Held() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the reply never held")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case a := <-done:
		t.Fatalf("answered while held: %+v", a)
	default:
	}
	post(t, srv.URL+"/_fake/release", nil, nil)
	if a := <-done; a.status != http.StatusOK || a.content != "segurado" {
		t.Fatalf("after release: %+v", a)
	}
	if status, content := complete(t, srv.URL, "de novo"); status != http.StatusOK || content == "" || fake.Held() != 0 {
		t.Fatalf("next reply: %d %q, held %d", status, content, fake.Held())
	}
}
