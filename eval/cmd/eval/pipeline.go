package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/judges"
	"github.com/rekan/rekan/eval/profiles"
)

// Pipeline generates, checks and judges. Every LLM call (generation or
// vote) takes a slot of Limiter, so --concurrency bounds what the provider
// sees whatever the mix. Judging a generation never waits for the next
// generation of a chain, and the next generation never waits for judging:
// the only dependency is generation -> its own judges (and, in a chain,
// generation -> next generation, through the hooks).
type Pipeline struct {
	Writer content.Writer
	Panel  *judges.Panel // nil: no judging
	// Check checks the posts of one generation against its context
	// (checks.RunRequest).
	Check   func(checks.Context, []content.Post) [][]checks.Result
	Limiter judges.Limiter
	Count   int
	Chain   int
	// Samples, when set, is how many posts each profile gets, in
	// independent generations of Count (no hooks fed forward): what a
	// rate with a confidence interval is measured on.
	Samples int
	Logger  *slog.Logger
}

// Generate runs every profile and returns one BusinessRun per profile, in
// the profiles' order.
func (p *Pipeline) Generate(ctx context.Context, list []profiles.Profile) []BusinessRun {
	out := make([]BusinessRun, len(list))
	var judging sync.WaitGroup
	var wg sync.WaitGroup
	for i, prof := range list {
		out[i] = BusinessRun{Profile: prof, Generations: make([]Generation, p.generations())}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.chain(ctx, &out[i], &judging)
		}()
	}
	wg.Wait()
	judging.Wait()
	return out
}

func (p *Pipeline) chain(ctx context.Context, br *BusinessRun, judging *sync.WaitGroup) {
	var hooks []string
	var roles []content.Role
	for i := range br.Generations {
		g := &br.Generations[i]
		g.Index = i
		g.Brief = br.Profile.Brief
		g.Roles = content.PickRoles(roles, p.Count)
		if p.Samples > 0 {
			// Independent samples of one request: the last may be short.
			g.Roles = content.PickRoles(nil, min(p.Count, p.Samples-i*p.Count))
		}
		g.PreviousHooks = append([]string{}, hooks...)
		g.Photos = br.Profile.PhotoData
		p.generate(ctx, br.Profile, g)
		// Newest first, as the server passes them (not between samples).
		for _, post := range g.Posts {
			if p.Samples > 0 {
				break
			}
			hooks = append([]string{post.Hook}, hooks...)
			roles = append([]content.Role{post.Role}, roles...)
		}
		if p.Panel != nil && len(g.Posts) > 0 {
			judging.Add(1)
			go func() {
				defer judging.Done()
				p.judge(ctx, br.Profile, g)
			}()
		}
	}
}

// generations is how many requests each profile gets.
func (p *Pipeline) generations() int {
	if p.Samples > 0 {
		return (p.Samples + p.Count - 1) / p.Count
	}
	return max(p.Chain, 1)
}

func (p *Pipeline) generate(ctx context.Context, prof profiles.Profile, g *Generation) {
	if err := p.Limiter.Acquire(ctx); err != nil {
		g.Error = err.Error()
		return
	}
	start := time.Now()
	res, err := p.Writer.WritePosts(ctx, content.Request{
		Business:      prof.Business,
		Brief:         g.Brief,
		Roles:         g.Roles,
		PreviousHooks: g.PreviousHooks,
		Photos:        g.Photos,
	})
	p.Limiter.Release()
	g.DurationMS = time.Since(start).Milliseconds()
	if err != nil {
		g.Error = err.Error()
		p.Logger.Warn("generation failed", "profile", prof.ID, "generation", g.Index, "error", err)
		return
	}
	g.Model = res.Model
	g.Posts = p.checked(prof, *g, res.Posts)
	p.Logger.Info("generated", "profile", prof.ID, "generation", g.Index, "posts", len(g.Posts), "ms", g.DurationMS)
}

// checked runs the checks on the posts of generation g, against what the
// writer was given.
func (p *Pipeline) checked(prof profiles.Profile, g Generation, posts []content.Post) []PostRun {
	results := p.Check(checks.Context{Business: prof.Business, Brief: g.Brief, PreviousHooks: g.PreviousHooks}, posts)
	out := make([]PostRun, len(posts))
	for i, post := range posts {
		out[i] = PostRun{Post: post, Checks: results[i]}
	}
	return out
}

// judge asks the panel every post criterion for every post (the photo ones
// too when the generation had photos), and variety for the posts together,
// all at once (the Limiter does the queueing).
func (p *Pipeline) judge(ctx context.Context, prof profiles.Profile, g *Generation) {
	business := judges.RenderBusiness(prof.Business)
	rendered := make([]string, len(g.Posts))
	for i, post := range g.Posts {
		rendered[i] = judges.RenderPhotoPost(post.Post, len(g.Photos))
	}
	var wg sync.WaitGroup
	criteria := judges.CriteriaFor(len(g.Photos))
	for i := range g.Posts {
		post := &g.Posts[i]
		post.Verdicts = make([]judges.Verdict, len(criteria))
		for j, c := range criteria {
			wg.Add(1)
			go func() {
				defer wg.Done()
				post.Verdicts[j] = p.Panel.Judge(ctx, c, judges.Subject{Business: business, Posts: rendered[i : i+1], Photos: g.Photos})
			}()
		}
	}
	g.Variety = nil
	if len(g.Posts) > 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := p.Panel.Judge(ctx, judges.Variety, judges.Subject{Business: business, Posts: rendered})
			g.Variety = &v
		}()
	}
	wg.Wait()
	p.Logger.Info("judged", "profile", prof.ID, "generation", g.Index)
}

// Rejudge re-runs the checks and, with a panel, the judges on the posts of
// a saved run, without generating anything.
func (p *Pipeline) Rejudge(ctx context.Context, saved []BusinessRun) []BusinessRun {
	out := make([]BusinessRun, len(saved))
	var wg sync.WaitGroup
	for i, br := range saved {
		out[i] = BusinessRun{Profile: br.Profile, Generations: make([]Generation, len(br.Generations))}
		for k, g := range br.Generations {
			ng := g
			ng.Variety = nil
			posts := make([]content.Post, len(g.Posts))
			for j, post := range g.Posts {
				posts[j] = post.Post
			}
			ng.Posts = p.checked(br.Profile, g, posts)
			out[i].Generations[k] = ng
			if p.Panel == nil || len(ng.Posts) == 0 {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.judge(ctx, br.Profile, &out[i].Generations[k])
			}()
		}
	}
	wg.Wait()
	return out
}
