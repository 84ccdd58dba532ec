// Package content is the seam between Rekan's callers (the API server, the
// eval CLI) and whatever runs the BAML prompts. Today that is the BAML HTTP
// runtime supervised as a child process (see package bamlrt and HTTPWriter);
// native BAML Go bindings can replace it by implementing Writer, without any
// caller changing.
package content

import (
	"context"
	"errors"
)

// Offering is one thing a business sells (a product or a service), with an
// optional price in reais. The profile keeps them in its "services" field.
type Offering struct {
	Name     string   `json:"name"`
	PriceBRL *float64 `json:"price_brl,omitempty"`
	// Unit is what the price buys ("cento", "kg", "unidade", "fatia"),
	// optional: R$ 80 the hundred is not R$ 80 each, and the checks tell.
	Unit string `json:"unit,omitempty"`
}

// Business is the profile the prompts see. It mirrors the `businesses`
// collection minus storage fields (owner, ids, timestamps).
// Not bamlapi.Business: the generated type has *string optionals and float32
// prices (OpenAPI "number"); checks and judges read plain strings and reais.
type Business struct {
	Name          string     `json:"name"`
	Segment       string     `json:"segment"`
	City          string     `json:"city"`
	State         string     `json:"state"`
	Neighbourhood string     `json:"neighbourhood,omitempty"`
	Phone         string     `json:"phone,omitempty"`
	Services      []Offering `json:"services"`
	Audience      string     `json:"audience,omitempty"`
	Voice         string     `json:"voice,omitempty"`
	Facts         []string   `json:"facts"`
	Notes         string     `json:"notes,omitempty"`
	// DeliveryAreas are the neighbourhoods or towns the business delivers
	// to (optional; empty means the profile does not say).
	DeliveryAreas []string `json:"delivery_areas,omitempty"`
	// OpeningHours is the days and hours it opens, as the owner says them
	// ("terça a domingo, 18h às 23h"), optional.
	OpeningHours string `json:"opening_hours,omitempty"`
}

// Request asks for len(Roles) posts (1-3) about one brief.
type Request struct {
	Business Business
	// Brief is sent as given: the caller validated it where it took it as
	// input (the server's generate route trims it; profiles.Parse).
	Brief string
	// Roles holds one distinct content role per wanted post (see PickRoles).
	Roles []Role
	// PreviousHooks are the opening lines of the business's recent posts, so
	// the model does not open the same way twice.
	PreviousHooks []string
	// Photos are the client's photos the posts are about (0 to MaxPhotos),
	// sent to the model as images. Without photos the prompt is the
	// text-only one.
	Photos []Photo
	// Occasion, when set, is the calendar date the posts are for (an idea
	// turned into a generation); without it the prompt is the one before
	// occasions existed.
	Occasion *Occasion
}

// Photo is one image as the model receives it. Callers send a copy already
// scaled for the provider and stripped of metadata (the server re-encodes
// uploads as JPEG of at most 1024 px on the long edge): the writer passes
// the bytes on as they are.
type Photo struct {
	// MediaType is one of PhotoMediaTypes, e.g. "image/jpeg".
	MediaType string `json:"media_type"`
	Data      []byte `json:"data"`
}

// Post is one generated, ready-to-post piece of Instagram content.
type Post struct {
	Role           Role     `json:"role"`
	Hook           string   `json:"hook"`
	Caption        string   `json:"caption"`
	Hashtags       []string `json:"hashtags"`
	ProductionNote string   `json:"production_note"`
}

// Result is what a Writer returns for a Request.
type Result struct {
	Posts []Post
	// Model names the model configured for the writer client (best effort:
	// with a fallback client the runtime does not say which member answered).
	Model string
}

// Writer writes posts. Implementations must classify failures with the
// sentinel errors below (wrapped, so errors.Is works) so that callers can map
// them to HTTP statuses and user messages without knowing the transport.
type Writer interface {
	WritePosts(ctx context.Context, req Request) (Result, error)
}

var (
	// ErrNotConfigured: no LLM provider is configured (no API key / base URL).
	ErrNotConfigured = errors.New("llm provider not configured")
	// ErrProvider: the LLM provider failed (HTTP error, timeout after the
	// retries of the BAML client, refusal).
	ErrProvider = errors.New("llm provider failed")
	// ErrInvalidOutput: the provider answered but the output could not be
	// parsed into posts. Callers treat it like ErrProvider (502).
	ErrInvalidOutput = errors.New("llm output could not be parsed")
	// ErrRuntimeUnavailable: the BAML runtime is down, restarting or
	// unreachable (503).
	ErrRuntimeUnavailable = errors.New("baml runtime unavailable")
)
