package content

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rekan/rekan/eval/bamlapi"
	"github.com/rekan/rekan/eval/bamlrt"
)

// writerPrimaryClient is the client in clients.baml that talks to the
// primary provider only (Writer is the fallback chain around it).
const writerPrimaryClient = "WriterPrimary"

// HTTPWriter writes posts by calling WritePosts on a supervised BAML HTTP
// runtime through the generated client in package bamlapi.
type HTTPWriter struct {
	rt       *bamlrt.Runtime
	provider Provider
	http     *http.Client
}

var _ Writer = (*HTTPWriter)(nil)

// NewHTTPWriter returns a Writer backed by rt. p must be the configuration
// the runtime was started with (p.RuntimeEnv()), and a configured one: the
// caller that owns the runtime gates "no LLM key" (ErrNotConfigured) before
// any request reaches a writer (contentrt in the server, startBackend in the
// eval CLI).
func NewHTTPWriter(rt *bamlrt.Runtime, p Provider) *HTTPWriter {
	return &HTTPWriter{
		rt:       rt,
		provider: p,
		// No client timeout: the caller's context bounds a call, and the
		// BAML clients bound each provider attempt.
		http: &http.Client{Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConnsPerHost: 8,
			IdleConnTimeout:     30 * time.Second,
		}},
	}
}

// WritePosts asks the model for len(req.Roles) posts.
func (w *HTTPWriter) WritePosts(ctx context.Context, req Request) (Result, error) {
	if err := req.Validate(); err != nil {
		return Result{}, err
	}
	client, err := w.client()
	if err != nil {
		return Result{}, fmt.Errorf("write posts: %w", err)
	}
	resp, err := client.WritePostsWithResponse(ctx, w.body(req))
	if err != nil {
		return Result{}, fmt.Errorf("write posts: %w", TransportError(ctx, err))
	}
	if resp.StatusCode() != http.StatusOK {
		return Result{}, fmt.Errorf("write posts: %w", RuntimeError(resp.StatusCode(), resp.Body, "Post", w.provider.Secrets()))
	}
	if resp.JSON200 == nil {
		return Result{}, fmt.Errorf("write posts: %w: runtime answered 200 without posts", ErrInvalidOutput)
	}
	posts, err := normalise(*resp.JSON200, req.Roles)
	if err != nil {
		return Result{}, fmt.Errorf("write posts: %w", err)
	}
	return Result{Posts: posts, Model: w.provider.WriterModel}, nil
}

func (w *HTTPWriter) body(req Request) bamlapi.WritePostsJSONRequestBody {
	roles := make([]string, len(req.Roles))
	for i, r := range req.Roles {
		roles[i] = string(r)
	}
	body := bamlapi.WritePostsJSONRequestBody{
		Business:      toAPIBusiness(req.Business),
		Brief:         req.Brief,
		Roles:         roles,
		PreviousHooks: nonNil(req.PreviousHooks),
		Photos:        APIPhotos(req.Photos),
	}
	if req.Occasion != nil {
		o := apiOccasion(*req.Occasion)
		body.Occasion = &o
	}
	body.UnderscoreUnderscoreBamlOptions = w.options()
	return body
}

// client is a generated client of the running runtime.
func (w *HTTPWriter) client() (*bamlapi.ClientWithResponses, error) {
	if w.rt == nil || !w.rt.Running() {
		return nil, fmt.Errorf("%w: not running (starting or restarting)", ErrRuntimeUnavailable)
	}
	client, err := bamlapi.NewClientWithResponses(w.rt.BaseURL(),
		bamlapi.WithHTTPClient(w.http),
		bamlapi.WithRequestEditorFn(w.rt.Authorize))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRuntimeUnavailable, err)
	}
	return client, nil
}

// options picks the Writer client: without a second provider the
// fallback chain would only repeat the primary's retries, so it is
// skipped (nil keeps the chain).
func (w *HTTPWriter) options() *bamlapi.BamlOptions {
	if w.provider.HasFallback() {
		return nil
	}
	primary := writerPrimaryClient
	options := &bamlapi.BamlOptions{}
	options.ClientRegistry.Clients = []bamlapi.ClientProperty{}
	options.ClientRegistry.Primary = &primary
	return options
}

// APIPhotos turns photos into BAML image arguments (base64 and media type;
// the runtime hands them to the provider as data URLs). Never nil: the
// runtime requires the argument even when there are no photos.
func APIPhotos(photos []Photo) []bamlapi.BamlImage {
	out := make([]bamlapi.BamlImage, len(photos))
	for i, p := range photos {
		out[i] = bamlapi.BamlImage{Base64: base64.StdEncoding.EncodeToString(p.Data), MediaType: p.MediaType}
	}
	return out
}

// toAPIBusiness is the one crossing from the domain type to the generated
// one (see Business for why there are two).
func toAPIBusiness(b Business) bamlapi.Business {
	services := make([]bamlapi.Offering, 0, len(b.Services))
	for _, s := range b.Services {
		service := bamlapi.Offering{Name: s.Name, Unit: optional(s.Unit)}
		if s.PriceBRL != nil {
			price := float32(*s.PriceBRL)
			service.PriceBrl = &price
		}
		services = append(services, service)
	}
	return bamlapi.Business{
		Name:          b.Name,
		Segment:       b.Segment,
		City:          b.City,
		State:         b.State,
		Neighbourhood: optional(b.Neighbourhood),
		Phone:         optional(b.Phone),
		Services:      services,
		Audience:      optional(b.Audience),
		Voice:         optional(b.Voice),
		Facts:         nonNil(b.Facts),
		Notes:         optional(b.Notes),
		DeliveryAreas: nonNil(b.DeliveryAreas),
		OpeningHours:  optional(b.OpeningHours),
	}
}

// normalise turns the model's posts into exactly one post per requested
// role, in the requested order of roles the model left unassigned.
func normalise(got []bamlapi.Post, roles []Role) ([]Post, error) {
	if len(got) < len(roles) {
		return nil, fmt.Errorf("%w: %d posts for %d roles", ErrInvalidOutput, len(got), len(roles))
	}
	got = got[:len(roles)]

	posts := make([]Post, len(got))
	taken := make(map[Role]bool, len(roles))
	requested := make(map[Role]bool, len(roles))
	for _, r := range roles {
		requested[r] = true
	}
	for i, g := range got {
		caption := strings.TrimSpace(g.Caption)
		if caption == "" {
			return nil, fmt.Errorf("%w: post %d has no caption", ErrInvalidOutput, i+1)
		}
		hook := strings.TrimSpace(g.Hook)
		if hook == "" {
			hook, _, _ = strings.Cut(caption, "\n")
		}
		posts[i] = Post{
			Hook:           strings.TrimSpace(hook),
			Caption:        caption,
			Hashtags:       RepairHashtags(g.Hashtags),
			ProductionNote: strings.TrimSpace(g.ProductionNote),
		}
		role := Role(strings.ToLower(strings.TrimSpace(g.Role)))
		if requested[role] && !taken[role] {
			posts[i].Role = role
			taken[role] = true
		}
	}
	// Missing, unknown or duplicate roles get the requested ones nobody took.
	next := 0
	for i := range posts {
		if posts[i].Role != "" {
			continue
		}
		for taken[roles[next]] {
			next++
		}
		posts[i].Role = roles[next]
		taken[roles[next]] = true
	}
	return posts, nil
}

func optional(s string) *string {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
