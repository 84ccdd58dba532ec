// Package judges runs the panel of LLM judges of the eval pipeline: every
// criterion is asked of every judge model, and the verdict is the unanimity
// of the votes that succeeded. A vote that failed (provider error,
// unparsable answer) is kept with its error instead of counting as a pass or
// a fail; when no vote succeeded the verdict is an error, never a pass.
package judges

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rekan/rekan/eval/content"
)

// Criterion is one question the panel answers.
type Criterion string

// The criteria, in the order reports show them.
const (
	Naturalness   Criterion = "naturalness"
	Specificity   Criterion = "specificity"
	Actionability Criterion = "actionability"
	Hook          Criterion = "hook"
	// Variety is judged on all posts of one generation together, and only
	// when there are at least two.
	Variety Criterion = "variety"
	// PhotoMatch is judged post by post, only for generations written from
	// photos, which the judge then sees too.
	PhotoMatch Criterion = "photo_match"
)

// Criteria lists every criterion; PostCriteria those judged post by post;
// PhotoCriteria those judged post by post when the request had photos.
var (
	Criteria      = []Criterion{Naturalness, Specificity, Actionability, Hook, Variety, PhotoMatch}
	PostCriteria  = []Criterion{Naturalness, Specificity, Actionability, Hook}
	PhotoCriteria = []Criterion{PhotoMatch}
)

// CriteriaFor lists the per-post criteria of a generation with that many
// photos.
func CriteriaFor(photos int) []Criterion {
	if photos == 0 {
		return PostCriteria
	}
	return append(append([]Criterion{}, PostCriteria...), PhotoCriteria...)
}

// Function is the BAML function that asks this criterion.
func (c Criterion) Function() string {
	switch c {
	case Naturalness:
		return "JudgeNaturalness"
	case Specificity:
		return "JudgeSpecificity"
	case Actionability:
		return "JudgeActionability"
	case Hook:
		return "JudgeHook"
	case Variety:
		return "JudgeVariety"
	case PhotoMatch:
		return "JudgePhotoMatch"
	}
	return ""
}

// Valid reports whether c is a known criterion.
func (c Criterion) Valid() bool { return c.Function() != "" }

// Judge is one member of the panel: the BAML client that calls it and the
// model that client is configured with (recorded in runs).
type Judge struct {
	Client string `json:"client"`
	Model  string `json:"model"`
}

// Subject is what a criterion is asked about, already rendered as text (see
// RenderBusiness and RenderPost). Variety gets every post of a generation,
// the other criteria exactly one. Photos are the photos the posts were
// written from; only PhotoMatch sends them (and needs them).
type Subject struct {
	Business string
	Posts    []string
	Photos   []content.Photo
}

// Opinion is one judge's answer.
type Opinion struct {
	Reasoning string `json:"reasoning"`
	Pass      bool   `json:"pass"`
}

// Asker asks one judge about one criterion. The BAML implementation lives
// in asker.go; tests substitute their own.
type Asker interface {
	Ask(ctx context.Context, judge Judge, c Criterion, s Subject) (Opinion, error)
}

// Vote is one judge's recorded answer, or the error that prevented it.
type Vote struct {
	Judge      string `json:"judge"`
	Model      string `json:"model"`
	Pass       bool   `json:"pass"`
	Reasoning  string `json:"reasoning,omitempty"`
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"duration_ms"`
}

// Failed reports whether the vote could not be cast.
func (v Vote) Failed() bool { return v.Error != "" }

// Status is the outcome of a criterion.
type Status string

// Pass: every vote that succeeded passed. Fail: at least one succeeded and
// failed. Error: no vote succeeded.
const (
	StatusPass  Status = "pass"
	StatusFail  Status = "fail"
	StatusError Status = "error"
)

// Verdict is the panel's decision on one criterion.
type Verdict struct {
	Criterion Criterion `json:"criterion"`
	Status    Status    `json:"status"`
	Votes     []Vote    `json:"votes"`
}

// ErrNoVotes marks a verdict for which no judge could vote.
var ErrNoVotes = errors.New("no judge could vote")

// Decide applies the unanimity rule to votes.
func Decide(c Criterion, votes []Vote) Verdict {
	v := Verdict{Criterion: c, Status: StatusError, Votes: votes}
	succeeded := 0
	for _, vote := range votes {
		if vote.Failed() {
			continue
		}
		succeeded++
		if !vote.Pass {
			v.Status = StatusFail
			return v
		}
	}
	if succeeded > 0 {
		v.Status = StatusPass
	}
	return v
}

// Err returns ErrNoVotes (with the votes' errors) for an error verdict.
func (v Verdict) Err() error {
	if v.Status != StatusError {
		return nil
	}
	errs := []error{ErrNoVotes}
	for _, vote := range v.Votes {
		errs = append(errs, fmt.Errorf("%s (%s): %s", vote.Judge, vote.Model, vote.Error))
	}
	return errors.Join(errs...)
}

// Limiter bounds how many LLM calls run at once across the whole run
// (generation and judges share it, since they share the provider).
type Limiter chan struct{}

// NewLimiter allows n concurrent calls (at least one).
func NewLimiter(n int) Limiter {
	if n < 1 {
		n = 1
	}
	return make(Limiter, n)
}

// Acquire waits for a slot or for ctx to end.
func (l Limiter) Acquire(ctx context.Context) error {
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release frees a slot taken by Acquire.
func (l Limiter) Release() { <-l }

// Panel asks every judge in parallel, each call taking a Limiter slot.
type Panel struct {
	Asker   Asker
	Judges  []Judge
	Limiter Limiter
}

// Judge returns the panel's verdict on one criterion. It never returns a
// Go error: failures become failed votes, and a verdict without any vote
// that succeeded has StatusError.
func (p *Panel) Judge(ctx context.Context, c Criterion, s Subject) Verdict {
	votes := make([]Vote, len(p.Judges))
	var wg sync.WaitGroup
	for i, judge := range p.Judges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			votes[i] = p.vote(ctx, judge, c, s)
		}()
	}
	wg.Wait()
	return Decide(c, votes)
}

func (p *Panel) vote(ctx context.Context, judge Judge, c Criterion, s Subject) Vote {
	vote := Vote{Judge: judge.Client, Model: judge.Model}
	if p.Limiter != nil {
		if err := p.Limiter.Acquire(ctx); err != nil {
			vote.Error = err.Error()
			return vote
		}
		defer p.Limiter.Release()
	}
	start := time.Now()
	opinion, err := p.Asker.Ask(ctx, judge, c, s)
	vote.DurationMS = time.Since(start).Milliseconds()
	if err != nil {
		vote.Error = err.Error()
		return vote
	}
	vote.Pass = opinion.Pass
	vote.Reasoning = opinion.Reasoning
	return vote
}
