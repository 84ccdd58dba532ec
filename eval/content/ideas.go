package content

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/rekan/rekan/eval/bamlapi"
)

// Idea counts: the model is asked for 3 to 5; fewer usable ones is a
// failed call, more are cut.
const (
	MinIdeas = 3
	MaxIdeas = 5
)

// IdeaTypes are the post formats an idea may suggest; anything else the
// model says becomes the first one.
var IdeaTypes = []string{"foto", "carrossel", "reels", "stories"}

// Occasion is a date of the calendar as the prompts see it. Dates are
// YYYY-MM-DD.
type Occasion struct {
	Name    string `json:"name"`
	Date    string `json:"date"`
	StartBy string `json:"start_by"`
	Angle   string `json:"angle"`
}

// IdeasRequest asks for post ideas for one business and one occasion.
type IdeasRequest struct {
	Business Business
	Occasion Occasion
	// Today (YYYY-MM-DD) bounds the suggested publish dates from below.
	Today string
	// RecentHooks are the opening lines of the business's recent posts.
	RecentHooks []string
}

// Idea is one suggested post.
type Idea struct {
	Title string `json:"title"`
	Brief string `json:"brief"`
	Type  string `json:"type"`
	// PublishOn is YYYY-MM-DD within [max(Today, StartBy), Date].
	PublishOn string `json:"publish_on"`
}

// IdeasResult is what SuggestIdeas returns.
type IdeasResult struct {
	Ideas []Idea
	Model string
}

// Ideator suggests post ideas; errors wrap the same sentinels as Writer.
type Ideator interface {
	SuggestIdeas(ctx context.Context, req IdeasRequest) (IdeasResult, error)
}

var _ Ideator = (*HTTPWriter)(nil)

// Validate checks what the prompt needs: a business name and an occasion
// with its dates.
func (r IdeasRequest) Validate() error {
	if strings.TrimSpace(r.Business.Name) == "" {
		return fmt.Errorf("%w: business without a name", ErrInvalidRequest)
	}
	if strings.TrimSpace(r.Occasion.Name) == "" {
		return fmt.Errorf("%w: occasion without a name", ErrInvalidRequest)
	}
	for _, d := range []string{r.Occasion.Date, r.Occasion.StartBy, r.Today} {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return fmt.Errorf("%w: date %q is not YYYY-MM-DD", ErrInvalidRequest, d)
		}
	}
	return nil
}

// SuggestIdeas asks the model for 3 to 5 ideas for req.Occasion.
func (w *HTTPWriter) SuggestIdeas(ctx context.Context, req IdeasRequest) (IdeasResult, error) {
	if err := req.Validate(); err != nil {
		return IdeasResult{}, err
	}
	client, err := w.client()
	if err != nil {
		return IdeasResult{}, fmt.Errorf("suggest ideas: %w", err)
	}
	resp, err := client.SuggestIdeasWithResponse(ctx, bamlapi.SuggestIdeasJSONRequestBody{
		Business:                        toAPIBusiness(req.Business),
		Occasion:                        apiOccasion(req.Occasion),
		Today:                           req.Today,
		RecentHooks:                     nonNil(req.RecentHooks),
		UnderscoreUnderscoreBamlOptions: w.options(),
	})
	if err != nil {
		return IdeasResult{}, fmt.Errorf("suggest ideas: %w", TransportError(ctx, err))
	}
	if resp.StatusCode() != http.StatusOK {
		return IdeasResult{}, fmt.Errorf("suggest ideas: %w", RuntimeError(resp.StatusCode(), resp.Body, "Idea", w.provider.Secrets()))
	}
	if resp.JSON200 == nil {
		return IdeasResult{}, fmt.Errorf("suggest ideas: %w: runtime answered 200 without ideas", ErrInvalidOutput)
	}
	ideas, err := NormaliseIdeas(*resp.JSON200, req)
	if err != nil {
		return IdeasResult{}, fmt.Errorf("suggest ideas: %w", err)
	}
	return IdeasResult{Ideas: ideas, Model: w.provider.WriterModel}, nil
}

// NormaliseIdeas keeps the usable ideas (a title and a brief), at most
// MaxIdeas: an unknown type becomes "foto", a publish date outside the
// window (or not a date) moves to the window's nearest end. Fewer than
// MinIdeas usable ones is ErrInvalidOutput.
func NormaliseIdeas(got []bamlapi.Idea, req IdeasRequest) ([]Idea, error) {
	first := req.Occasion.StartBy
	if req.Today > first {
		first = req.Today
	}
	last := req.Occasion.Date
	if first > last {
		first = last
	}
	ideas := make([]Idea, 0, MaxIdeas)
	for _, g := range got {
		idea := Idea{
			Title:     strings.TrimSpace(g.Title),
			Brief:     strings.TrimSpace(g.Brief),
			Type:      strings.ToLower(strings.TrimSpace(g.Type)),
			PublishOn: strings.TrimSpace(g.PublishOn),
		}
		if idea.Title == "" || idea.Brief == "" {
			continue
		}
		if !slices.Contains(IdeaTypes, idea.Type) {
			idea.Type = IdeaTypes[0]
		}
		if _, err := time.Parse(time.DateOnly, idea.PublishOn); err != nil || idea.PublishOn < first {
			idea.PublishOn = first
		} else if idea.PublishOn > last {
			idea.PublishOn = last
		}
		ideas = append(ideas, idea)
		if len(ideas) == MaxIdeas {
			break
		}
	}
	if len(ideas) < MinIdeas {
		return nil, fmt.Errorf("%w: %d usable ideas, want at least %d", ErrInvalidOutput, len(ideas), MinIdeas)
	}
	return ideas, nil
}

func apiOccasion(o Occasion) bamlapi.Occasion {
	return bamlapi.Occasion{Name: o.Name, Date: o.Date, StartBy: o.StartBy, Angle: o.Angle}
}
