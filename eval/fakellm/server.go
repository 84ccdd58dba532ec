// Package fakellm is a fake OpenAI-compatible chat-completions server for
// tests and development. It stands in for the LLM provider at its HTTP
// boundary, so everything in front of it (BAML runtime, content writer, API
// server, web app) runs for real. Nothing in production depends on it.
//
// Replies are scripted in process (Enqueue, SetLatency) or over HTTP through
// the control endpoints, for out-of-process users (Playwright, benchmarks):
//
//	POST /_fake/replies   [{"status","delay_ms","content","body","times","fault"}…] (or one object) → {"pending":N}
//	POST /_fake/latency   {"ms":N} → {"ms":N}
//	GET  /_fake/requests  → [Request…] (?image_data=1: with each image's bytes)
//	POST /_fake/reset     → {"status":"ok"}
//	GET  /_fake/health    → {"status":"ok","pending":N}
//	GET  /v1/models       → one model, owned by "fakellm"
//
// Without a script it answers with DefaultContent, which understands
// Rekan's prompts.
//
// Messages may be OpenAI multimodal ones (content as an array of `text` and
// `image_url` parts): the text is flattened into Message.Content, and every
// image is decoded and recorded in Request.Images (see Image: media type,
// real format, bytes, sha256, width, height, metadata segments), so tests
// can assert how many photos reached the provider, how big and whether any
// EXIF survived.
package fakellm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxRequestBytes bounds what a (possibly hostile) client can make us buffer:
// room for a prompt with a few full-size photos as base64 data URLs.
const maxRequestBytes = 32 << 20

// Reply scripts the answer to one completion request.
type Reply struct {
	// Status, when neither 0 nor 200, answers with an OpenAI-style JSON error
	// of that status (or with Body, when set).
	Status int
	// Delay is slept before answering; a cancelled client request ends it.
	Delay time.Duration
	// Content is the assistant message. Empty means the default reply.
	Content string
	// Body, when set, is sent raw as the HTTP body (to simulate garbage).
	Body string
	// Times repeats this reply for that many requests (0 means 1).
	Times int
	// Fault, with no Content or Body, plants that mistake in the default
	// reply (see Faults).
	Fault Fault
	// Match, when set, makes the reply wait for a request whose prompt
	// contains it; unmatched requests take the next reply without one.
	Match string
	// Hold keeps the reply (after Delay) until Release, counted by Held: a
	// test sees the caller waiting on the LLM, then lets it finish.
	Hold bool
}

// Message is one chat message of a recorded request, with multi-part
// content flattened to its text (its images are in Request.Images).
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request records one completion request as the provider saw it.
type Request struct {
	Path     string    `json:"path"`
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
	// Images are the image_url parts of every message, in order (never
	// nil, so the JSON listing always has the array).
	Images []Image `json:"images"`
	Stream bool    `json:"stream"`
	// HasAuthorization and Authorization let tests assert that the API key
	// configured upstream really reaches the provider.
	HasAuthorization bool      `json:"has_authorization"`
	Authorization    string    `json:"authorization"`
	Time             time.Time `json:"time"`
}

// Prompt joins the text of every message, the way the default reply reads it.
func (r Request) Prompt() string {
	parts := make([]string, 0, len(r.Messages))
	for _, m := range r.Messages {
		parts = append(parts, m.Content)
	}
	return strings.Join(parts, "\n")
}

// Server is the fake provider. The zero value is not usable; call New.
type Server struct {
	mux *http.ServeMux

	mu       sync.Mutex
	queue    []Reply
	latency  time.Duration
	requests []Request
	// calls counts default content replies so hooks vary between calls.
	calls int
	seq   int
	// fault is planted in every unscripted reply (SetFault).
	fault Fault
	// pace shapes streamed replies; hold is open while streams wait at
	// pace.HoldAfterChars, held counts them (pace.go).
	pace Pace
	hold chan struct{}
	held int
}

// New returns a server with an empty script and no latency.
func New() *Server {
	s := &Server{mux: http.NewServeMux()}
	s.mux.HandleFunc("POST /v1/chat/completions", s.handleCompletion)
	s.mux.HandleFunc("POST /chat/completions", s.handleCompletion)
	s.mux.HandleFunc("GET /v1/models", s.handleModels)
	s.mux.HandleFunc("GET /models", s.handleModels)
	s.mux.HandleFunc("POST /_fake/replies", s.handleReplies)
	s.mux.HandleFunc("POST /_fake/latency", s.handleLatency)
	s.mux.HandleFunc("GET /_fake/requests", s.handleRequests)
	s.mux.HandleFunc("POST /_fake/reset", s.handleReset)
	s.mux.HandleFunc("GET /_fake/health", s.handleHealth)
	s.mux.HandleFunc("POST /_fake/stream", s.handleStream)
	s.mux.HandleFunc("POST /_fake/release", s.handleRelease)
	s.mux.HandleFunc("GET /_fake/held", s.handleHeld)
	return s
}

// handleModels answers OpenAI's model list with one model owned by
// "fakellm", which is how tools tell the fake from a real provider (eval
// --calibrate refuses it).
func (s *Server) handleModels(w http.ResponseWriter, _ *http.Request) {
	writeJSONBody(w, http.StatusOK, map[string]any{
		"object": "list",
		"data":   []map[string]string{{"id": "fakellm", "object": "model", "owned_by": "fakellm"}},
	})
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// Enqueue appends replies to the script; each completion request consumes
// one (a reply with Times N is consumed N times), first in first out.
func (s *Server) Enqueue(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range replies {
		if r.Times < 1 {
			r.Times = 1
		}
		s.queue = append(s.queue, r)
	}
}

// Pending reports how many requests the script still covers.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.queue {
		n += r.Times
	}
	return n
}

// SetLatency sets the delay of default (unscripted) replies.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetFault plants f in every unscripted reply from now on ("" for none).
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// Requests returns a copy of every completion request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	copy(out, s.requests)
	return out
}

// Reset clears the script, the latency, the records and the counter that
// varies default hooks, as if the server had just started.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = nil
	s.latency = 0
	s.requests = nil
	s.calls = 0
	if s.hold != nil {
		close(s.hold)
		s.hold = nil
	}
	s.pace = Pace{}
}

// next pops the scripted reply for this request, or builds the default one.
func (s *Server) next(req Request) Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	s.seq++
	if i := s.matchLocked(req); i >= 0 {
		r := s.queue[i]
		if s.queue[i].Times--; s.queue[i].Times <= 0 {
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
		}
		r.Times = 1
		if r.Body == "" && r.Content == "" && (r.Status == 0 || r.Status == http.StatusOK) {
			r.Content = s.defaultContentLocked(req, r.Fault)
		}
		return r
	}
	return Reply{Delay: s.latency, Content: s.defaultContentLocked(req, s.fault)}
}

// matchLocked is the index of the first queued reply for req: one whose
// Match the prompt contains, or one without Match; -1 when none.
func (s *Server) matchLocked(req Request) int {
	prompt := ""
	for i, r := range s.queue {
		if r.Match == "" {
			return i
		}
		if prompt == "" {
			prompt = req.Prompt()
		}
		if strings.Contains(prompt, r.Match) {
			return i
		}
	}
	return -1
}

// defaultContentLocked answers req as FaultyContent does, with its image
// parts counted as the photos the posts are about.
func (s *Server) defaultContentLocked(req Request, fault Fault) string {
	s.calls++
	return reply(req.Prompt(), len(req.Images), s.calls, fault)
}

type chatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream        bool `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// readContent accepts both a string and OpenAI's array of content parts
// (`text` and `image_url`); it returns the text parts joined by newlines
// and the images, read by readImage.
func readContent(message int, raw json.RawMessage) (string, []Image) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		return text, nil
	}
	var parts []struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		ImageURL *struct {
			URL    string `json:"url"`
			Detail string `json:"detail"`
		} `json:"image_url"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return string(raw), nil
	}
	texts := make([]string, 0, len(parts))
	var images []Image
	for i, p := range parts {
		if p.Text != "" {
			texts = append(texts, p.Text)
		}
		if p.Type == "image_url" && p.ImageURL != nil {
			images = append(images, readImage(message, i, p.ImageURL.URL, p.ImageURL.Detail))
		}
	}
	return strings.Join(texts, "\n"), images
}

func (s *Server) handleCompletion(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err != nil {
		writeError(w, http.StatusBadRequest, "could not read request body: "+err.Error())
		return
	}
	var cr chatRequest
	if err := json.Unmarshal(body, &cr); err != nil {
		writeError(w, http.StatusBadRequest, "request body is not valid JSON: "+err.Error())
		return
	}
	if len(cr.Messages) == 0 {
		writeError(w, http.StatusBadRequest, "messages must not be empty")
		return
	}
	req := Request{
		Path:     r.URL.Path,
		Model:    cr.Model,
		Stream:   cr.Stream,
		Time:     time.Now(),
		Messages: make([]Message, 0, len(cr.Messages)),
		Images:   []Image{},
	}
	if auth, ok := r.Header["Authorization"]; ok {
		req.HasAuthorization = true
		req.Authorization = strings.Join(auth, ", ")
	}
	for i, m := range cr.Messages {
		text, images := readContent(i, m.Content)
		req.Messages = append(req.Messages, Message{Role: m.Role, Content: text})
		req.Images = append(req.Images, images...)
	}

	reply := s.next(req)
	if !sleep(r.Context(), reply.Delay) {
		return
	}
	if reply.Hold && !s.waitHold(r.Context(), s.holdChan()) {
		return
	}

	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	switch {
	case reply.Body != "":
		contentType := "application/json"
		if cr.Stream && status == http.StatusOK {
			contentType = "text/event-stream"
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply.Body)
	case status != http.StatusOK:
		writeError(w, status, fmt.Sprintf("fakellm scripted error %d", status))
	case cr.Stream:
		includeUsage := cr.StreamOptions != nil && cr.StreamOptions.IncludeUsage
		s.writeStream(r.Context(), w, cr.Model, req, reply.Content, includeUsage)
	default:
		s.writeJSON(w, cr.Model, req, reply.Content)
	}
}

// sleep waits d or until ctx ends; it reports whether the wait completed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// countTokens approximates a tokenizer (about four characters a token),
// enough for callers that display or sum usage.
func countTokens(text string) int {
	n := (len([]rune(text)) + 3) / 4
	if n == 0 && text != "" {
		n = 1
	}
	return n
}

func usageFor(req Request, content string) usage {
	u := usage{PromptTokens: countTokens(req.Prompt()), CompletionTokens: countTokens(content)}
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	return u
}

func responseModel(model string) string {
	if model == "" {
		return "fakellm"
	}
	return model
}

func (s *Server) completionID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("chatcmpl-fake-%d", s.seq)
}

func (s *Server) writeJSON(w http.ResponseWriter, model string, req Request, content string) {
	resp := map[string]any{
		"id":      s.completionID(),
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   responseModel(model),
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": content},
			"logprobs":      nil,
			"finish_reason": "stop",
		}},
		"usage": usageFor(req, content),
	}
	writeJSONBody(w, http.StatusOK, resp)
}

// streamChunkRunes is small enough that multi-post replies arrive in many
// chunks, exercising the client's partial parsing.
const streamChunkRunes = 24

func (s *Server) writeStream(ctx context.Context, w http.ResponseWriter, model string, req Request, content string, includeUsage bool) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Connection", "keep-alive")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	id := s.completionID()
	created := time.Now().Unix()
	model = responseModel(model)

	send := func(delta map[string]any, finish any, u *usage) bool {
		if ctx.Err() != nil {
			return false
		}
		chunk := map[string]any{
			"id":      id,
			"object":  "chat.completion.chunk",
			"created": created,
			"model":   model,
			"choices": []any{},
		}
		if delta != nil {
			chunk["choices"] = []any{map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish}}
		}
		if u != nil {
			chunk["usage"] = u
		}
		data, err := json.Marshal(chunk)
		if err != nil {
			return false
		}
		if _, err := fmt.Fprintf(w, "data: %s\n\n", data); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}

	if !send(map[string]any{"role": "assistant", "content": ""}, nil, nil) {
		return
	}
	if !s.streamContent(ctx, content, func(chunk string) bool {
		return send(map[string]any{"content": chunk}, nil, nil)
	}) {
		return
	}
	if !send(map[string]any{}, "stop", nil) {
		return
	}
	if includeUsage {
		u := usageFor(req, content)
		if !send(nil, nil, &u) {
			return
		}
	}
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}

// writeError answers the way OpenAI does, so clients classify it the same.
func writeError(w http.ResponseWriter, status int, message string) {
	errType := "invalid_request_error"
	code := any(nil)
	switch {
	case status == http.StatusUnauthorized:
		errType, code = "invalid_request_error", "invalid_api_key"
	case status == http.StatusTooManyRequests:
		errType, code = "requests", "rate_limit_exceeded"
	case status >= 500:
		errType = "server_error"
	}
	writeJSONBody(w, status, map[string]any{
		"error": map[string]any{"message": message, "type": errType, "param": nil, "code": code},
	})
}

func writeJSONBody(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("fakellm: write response", slog.Any("error", err))
	}
}
