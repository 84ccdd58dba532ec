package content

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/rekan/rekan/eval/bamlapi"
)

// PartialPost is a post as far as the model has written it: any field may
// be empty or cut mid-word. It is for showing progress only, never stored.
type PartialPost struct {
	Role           string   `json:"role"`
	Hook           string   `json:"hook"`
	Caption        string   `json:"caption"`
	Hashtags       []string `json:"hashtags"`
	ProductionNote string   `json:"production_note"`
}

// StreamWriter is a Writer that can also show the posts while the model
// writes them.
type StreamWriter interface {
	Writer
	// StreamPosts calls onPartial (from the calling goroutine) with the
	// posts written so far, each time they grow, and returns what
	// WritePosts would have returned.
	StreamPosts(ctx context.Context, req Request, onPartial func([]PartialPost)) (Result, error)
}

var _ StreamWriter = (*HTTPWriter)(nil)

// maxStreamEvent bounds one SSE line of the runtime: the posts so far as
// JSON, a few kilobytes; far more means something else is talking.
const maxStreamEvent = 1 << 20

// errStreamIncomplete: the runtime's stream ended without a final answer.
// The runtime (baml-cli serve 0.223) reports no error on its SSE stream
// once it has begun: a provider that fails or drops every attempt sends no
// event, comment, header or trailer saying so, and the stream closes only
// at the runtime's 15 s keep-alive tick after its last event (its stream
// drops the failed result without waking the response, so only the
// keep-alive timer polls it again). Nothing in the bytes tells a failed
// stream from a slow first token, so the read waits for that close.
var errStreamIncomplete = errors.New("the stream ended before the posts were complete")

// StreamPosts asks the runtime's /stream/WritePosts. The runtime sends the
// parse of the reply so far after every chunk and, on success, the final
// parse once more: the answer is the last event only when it repeats the
// one before it and has every field (a partial has nulls for fields not
// begun, and a string cut mid-way changes with every chunk). That answer
// goes through the same normalisation as WritePosts.
func (w *HTTPWriter) StreamPosts(ctx context.Context, req Request, onPartial func([]PartialPost)) (Result, error) {
	if err := req.Validate(); err != nil {
		return Result{}, err
	}
	if w.rt == nil || !w.rt.Running() {
		return Result{}, fmt.Errorf("stream posts: %w: not running (starting or restarting)", ErrRuntimeUnavailable)
	}
	httpReq, err := bamlapi.NewWritePostsRequest(w.rt.BaseURL(), w.body(req))
	if err != nil {
		return Result{}, fmt.Errorf("stream posts: %w", err)
	}
	httpReq.URL.Path = strings.Replace(httpReq.URL.Path, "/call/", "/stream/", 1)
	httpReq = httpReq.WithContext(ctx)
	if err := w.rt.Authorize(ctx, httpReq); err != nil {
		return Result{}, fmt.Errorf("stream posts: %w: %v", ErrRuntimeUnavailable, err)
	}
	resp, err := w.http.Do(httpReq)
	if err != nil {
		return Result{}, fmt.Errorf("stream posts: %w", TransportError(ctx, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxStreamEvent))
		return Result{}, fmt.Errorf("stream posts: %w", RuntimeError(resp.StatusCode, body, "Post", w.provider.Secrets()))
	}

	var last, previous []byte
	scanner := bufio.NewScanner(resp.Body)
	scanner.Buffer(make([]byte, 0, 64<<10), maxStreamEvent)
	for scanner.Scan() {
		data, ok := bytes.CutPrefix(scanner.Bytes(), []byte("data: "))
		if !ok {
			continue
		}
		previous, last = last, bytes.Clone(data)
		if onPartial != nil && !bytes.Equal(previous, last) {
			var partial []PartialPost
			if json.Unmarshal(last, &partial) == nil {
				onPartial(partial)
			}
		}
	}
	if err := scanner.Err(); err != nil {
		return Result{}, fmt.Errorf("stream posts: %w", TransportError(ctx, err))
	}
	if ctx.Err() != nil {
		return Result{}, fmt.Errorf("stream posts: %w", TransportError(ctx, ctx.Err()))
	}
	final, err := finalPosts(previous, last)
	if err != nil {
		return Result{}, fmt.Errorf("stream posts: %w", err)
	}
	posts, err := normalise(final, req.Roles)
	if err != nil {
		return Result{}, fmt.Errorf("stream posts: %w", err)
	}
	return Result{Posts: posts, Model: w.provider.WriterModel}, nil
}

// finalPosts reads the runtime's final answer from the stream's last two
// events (see StreamPosts).
func finalPosts(previous, last []byte) ([]bamlapi.Post, error) {
	if last == nil {
		// Not a word streamed: every attempt failed at the provider.
		return nil, fmt.Errorf("%w: the provider answered no attempt", ErrProvider)
	}
	var raw []map[string]any
	if err := json.Unmarshal(last, &raw); err != nil {
		return nil, fmt.Errorf("%w: no posts in the stream: %v", ErrInvalidOutput, err)
	}
	if !begun(raw) {
		// Nothing the parser could read as a post: the reply was not posts
		// (WritePosts' validation_failure), not a stream cut short.
		return nil, fmt.Errorf("%w: the model's reply does not match Post", ErrInvalidOutput)
	}
	if !bytes.Equal(previous, last) {
		return nil, fmt.Errorf("%w: %w", ErrProvider, errStreamIncomplete)
	}
	for i, p := range raw {
		for _, field := range []string{"role", "hook", "caption", "hashtags", "production_note"} {
			if p[field] == nil {
				return nil, fmt.Errorf("%w: %w (post %d has no %s)", ErrProvider, errStreamIncomplete, i+1, field)
			}
		}
	}
	var posts []bamlapi.Post
	if err := json.Unmarshal(last, &posts); err != nil {
		return nil, fmt.Errorf("%w: final event: %v", ErrInvalidOutput, err)
	}
	return posts, nil
}

// begun reports whether any post has any field written.
func begun(raw []map[string]any) bool {
	for _, p := range raw {
		for _, v := range p {
			switch v := v.(type) {
			case nil:
			case []any:
				if len(v) > 0 {
					return true
				}
			default:
				return true
			}
		}
	}
	return false
}
