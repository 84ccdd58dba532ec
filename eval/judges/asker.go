package judges

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/rekan/rekan/eval/bamlapi"
	"github.com/rekan/rekan/eval/content"
)

// BAMLAsker asks the judge functions of eval/baml_src/judges.baml on a BAML
// HTTP runtime through the generated client (package bamlapi), choosing the
// judge with a client registry override so one function serves every member
// of the panel.
type BAMLAsker struct {
	// BaseURL returns the runtime's current URL (it can change on restart).
	BaseURL func() string
	// Authorize adds the runtime's password to a request.
	Authorize bamlapi.RequestEditorFn
	// HTTP defaults to a client keeping enough idle connections for the
	// run's concurrency; the BAML clients carry their own timeouts and
	// retries, the caller's context bounds the rest.
	HTTP *http.Client
	// Secrets are scrubbed from error messages (providers like to quote the
	// key they rejected).
	Secrets []string
}

var defaultHTTP = &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 32}}

// answer is what every generated response type offers.
type answer interface {
	StatusCode() int
	GetBody() []byte
}

// call adapts one generated method, so every criterion shares one path.
func call[B any, R answer](ctx context.Context, method func(context.Context, B, ...bamlapi.RequestEditorFn) (R, error), body B) (int, []byte, error) {
	resp, err := method(ctx, body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode(), resp.GetBody(), nil
}

// Ask implements Asker. Errors wrap the content sentinels, so a caller can
// tell a provider failure from an unparsable answer or a runtime that is
// down.
func (a *BAMLAsker) Ask(ctx context.Context, judge Judge, c Criterion, s Subject) (Opinion, error) {
	fn := c.Function()
	if fn == "" {
		return Opinion{}, fmt.Errorf("unknown criterion %q", c)
	}
	httpClient := a.HTTP
	if httpClient == nil {
		httpClient = defaultHTTP
	}
	opts := []bamlapi.ClientOption{bamlapi.WithHTTPClient(httpClient)}
	if a.Authorize != nil {
		opts = append(opts, bamlapi.WithRequestEditorFn(a.Authorize))
	}
	client, err := bamlapi.NewClientWithResponses(a.BaseURL(), opts...)
	if err != nil {
		return Opinion{}, fmt.Errorf("%s: %w: %v", fn, content.ErrRuntimeUnavailable, err)
	}
	primary := judge.Client
	options := &bamlapi.BamlOptions{}
	options.ClientRegistry.Clients = []bamlapi.ClientProperty{}
	options.ClientRegistry.Primary = &primary

	var status int
	var data []byte
	switch c {
	case Variety:
		if len(s.Posts) < 2 {
			return Opinion{}, errors.New("variety needs at least two posts")
		}
		status, data, err = call(ctx, client.JudgeVarietyWithResponse, bamlapi.JudgeVarietyJSONRequestBody{
			Business: s.Business, Posts: s.Posts, UnderscoreUnderscoreBamlOptions: options,
		})
	case PhotoMatch:
		if len(s.Posts) != 1 || len(s.Photos) == 0 {
			return Opinion{}, fmt.Errorf("%s judges one post against its photos, got %d posts and %d photos", c, len(s.Posts), len(s.Photos))
		}
		status, data, err = call(ctx, client.JudgePhotoMatchWithResponse, bamlapi.JudgePhotoMatchJSONRequestBody{
			Business: s.Business, Post: s.Posts[0], Photos: content.APIPhotos(s.Photos), UnderscoreUnderscoreBamlOptions: options,
		})
	default:
		if len(s.Posts) != 1 {
			return Opinion{}, fmt.Errorf("%s judges one post, got %d", c, len(s.Posts))
		}
		// The four per-post bodies are the same struct under four names.
		body := bamlapi.JudgeNaturalnessJSONRequestBody{Business: s.Business, Post: s.Posts[0], UnderscoreUnderscoreBamlOptions: options}
		switch c {
		case Naturalness:
			status, data, err = call(ctx, client.JudgeNaturalnessWithResponse, body)
		case Specificity:
			status, data, err = call(ctx, client.JudgeSpecificityWithResponse, bamlapi.JudgeSpecificityJSONRequestBody(body))
		case Actionability:
			status, data, err = call(ctx, client.JudgeActionabilityWithResponse, bamlapi.JudgeActionabilityJSONRequestBody(body))
		case Hook:
			status, data, err = call(ctx, client.JudgeHookWithResponse, bamlapi.JudgeHookJSONRequestBody(body))
		}
	}
	if err != nil {
		return Opinion{}, fmt.Errorf("%s: %w", fn, content.TransportError(ctx, err))
	}
	if status != http.StatusOK {
		return Opinion{}, classify(fn, status, data, a.Secrets)
	}
	return parseOpinion(fn, data)
}

// parseOpinion insists on both fields: a verdict without its reasoning (or
// a reasoning without a verdict) is not a vote.
func parseOpinion(fn string, data []byte) (Opinion, error) {
	var raw struct {
		Reasoning *string `json:"reasoning"`
		Pass      *bool   `json:"pass"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Opinion{}, fmt.Errorf("%s: %w: %v", fn, content.ErrInvalidOutput, err)
	}
	if raw.Pass == nil || raw.Reasoning == nil || strings.TrimSpace(*raw.Reasoning) == "" {
		return Opinion{}, fmt.Errorf("%s: %w: answer lacks reasoning or pass", fn, content.ErrInvalidOutput)
	}
	return Opinion{Reasoning: strings.TrimSpace(*raw.Reasoning), Pass: *raw.Pass}, nil
}

// classify names the judge function in the runtime's error.
func classify(fn string, status int, data []byte, secrets []string) error {
	return fmt.Errorf("%s: %w", fn, content.RuntimeError(status, data, "JudgeVerdict", secrets))
}
