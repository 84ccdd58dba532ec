package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/judges"
	"github.com/rekan/rekan/eval/profiles"
)

// errFakeProvider: --calibrate measures the judges against people's
// labels; measured against fakellm (which passes everything) the numbers
// would look like a result and mean nothing.
var errFakeProvider = errors.New("--calibrate needs a real provider: the configured base URL is fakellm, whose verdicts say nothing about the judges (set REKAN_LLM_API_KEY and REKAN_LLM_BASE_URL for a real provider)")

// isFakeLLM asks a loopback base URL for its models: fakellm says it owns
// them. Remote providers are not asked (fakellm only runs on loopback).
func isFakeLLM(ctx context.Context, baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); !(host == "localhost" || (ip != nil && ip.IsLoopback())) {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(baseURL, "/")+"/models", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var models struct {
		Data []struct {
			OwnedBy string `json:"owned_by"`
		} `json:"data"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&models) != nil {
		return false
	}
	for _, m := range models.Data {
		if m.OwnedBy == "fakellm" {
			return true
		}
	}
	return false
}

// Agreement compares the panel's verdicts on one criterion with the labels.
type Agreement struct {
	// Both/PanelOnly/LabelOnly/Neither count passes: both passed, only the
	// panel passed, only the label passed, both failed.
	Both, PanelOnly, LabelOnly, Neither int
	// Errors are verdicts the panel could not give (left out of the rates).
	Errors int
}

// N is the number of posts both the panel and the label judged.
func (a Agreement) N() int { return a.Both + a.PanelOnly + a.LabelOnly + a.Neither }

// Rate is the share of posts where the panel and the label agree.
func (a Agreement) Rate() (float64, bool) {
	if a.N() == 0 {
		return 0, false
	}
	return float64(a.Both+a.Neither) / float64(a.N()), true
}

// Kappa is Cohen's kappa: agreement corrected for what two raters passing
// at their own rates would reach by chance. ok is false when it is
// undefined (nothing judged, or both always gave the same verdict).
func (a Agreement) Kappa() (float64, bool) {
	n := float64(a.N())
	if n == 0 {
		return 0, false
	}
	po := float64(a.Both+a.Neither) / n
	panelPass := float64(a.Both+a.PanelOnly) / n
	labelPass := float64(a.Both+a.LabelOnly) / n
	pe := panelPass*labelPass + (1-panelPass)*(1-labelPass)
	if pe >= 1 {
		return 0, false
	}
	return (po - pe) / (1 - pe), true
}

func (a *Agreement) add(label string, v judges.Verdict) {
	switch {
	case v.Status == judges.StatusError:
		a.Errors++
	case label == "pass" && v.Status == judges.StatusPass:
		a.Both++
	case label == "fail" && v.Status == judges.StatusPass:
		a.PanelOnly++
	case label == "pass":
		a.LabelOnly++
	default:
		a.Neither++
	}
}

// calibratedCriteria are the criteria the labelled set has labels for. Its
// posts come without photos, so photo_match is not measured there.
var calibratedCriteria = append(append([]judges.Criterion{}, judges.PostCriteria...), judges.Variety)

// calibrate asks the panel every labelled criterion of the labelled set
// (variety for cases labelled with it) and tallies agreement per criterion.
func calibrate(ctx context.Context, panel *judges.Panel, files []LabelledFile) map[judges.Criterion]*Agreement {
	out := map[judges.Criterion]*Agreement{}
	for _, c := range calibratedCriteria {
		out[c] = &Agreement{}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	ask := func(c judges.Criterion, label string, s judges.Subject) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := panel.Judge(ctx, c, s)
			mu.Lock()
			out[c].add(label, v)
			mu.Unlock()
		}()
	}
	for _, f := range files {
		business := judges.RenderBusiness(f.business.Business)
		for _, lc := range f.Cases {
			rendered := make([]string, len(lc.Posts))
			for i, p := range lc.Posts {
				rendered[i] = judges.RenderPost(p.Post)
				for _, crit := range judges.PostCriteria {
					if label, ok := p.Judges[crit]; ok {
						ask(crit, label, judges.Subject{Business: business, Posts: rendered[i : i+1]})
					}
				}
			}
			if lc.Variety != "" && len(lc.Posts) > 1 {
				ask(judges.Variety, lc.Variety, judges.Subject{Business: business, Posts: rendered})
			}
		}
	}
	wg.Wait()
	return out
}

func writeAgreement(w io.Writer, agreement map[judges.Criterion]*Agreement, panel []judges.Judge) {
	models := make([]string, len(panel))
	for i, j := range panel {
		models[i] = j.Model
	}
	fmt.Fprintf(w, "judge panel (%s) against the labelled set:\n", strings.Join(models, ", "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CRITERION\tJUDGED\tAGREE\tAGREEMENT\tKAPPA\tPANEL PASSED A FAIL\tPANEL FAILED A PASS\tERRORS")
	for _, c := range calibratedCriteria {
		a := agreement[c]
		rate, kappa := "-", "-"
		if r, ok := a.Rate(); ok {
			rate = fmt.Sprintf("%.0f%%", r*100)
		}
		if k, ok := a.Kappa(); ok {
			kappa = fmt.Sprintf("%.2f", k)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%d\t%d\t%d\n", c, a.N(), a.Both+a.Neither, rate, kappa, a.PanelOnly, a.LabelOnly, a.Errors)
	}
	tw.Flush()
	fmt.Fprintln(w, "kappa: 1 perfect, 0 no better than chance; trust a criterion for --fail-under from about 0.6.")
}

// judgedAny reports whether the panel gave at least one verdict.
func judgedAny(agreement map[judges.Criterion]*Agreement) bool {
	for _, a := range agreement {
		if a.N() > 0 {
			return true
		}
	}
	return false
}

// runCalibrate prints how the heuristic checks and the judge panel agree
// with the labelled set. It refuses to run without a real provider.
func runCalibrate(ctx context.Context, o options, getenv func(string) string, logger *slog.Logger, stdout io.Writer) error {
	dir := o.profilesDir
	if dir == "" {
		found, err := profiles.FindDir(".")
		if err != nil {
			return err
		}
		dir = found
	}
	files, err := loadLabelled(filepath.Join(dir, "labelled"), dir)
	if err != nil {
		return err
	}
	provider := content.ProviderFromEnv(getenv)
	if !provider.Configured() {
		return fmt.Errorf("--calibrate asks the judge panel: %w", errNoProvider)
	}
	if isFakeLLM(ctx, provider.BaseURL) {
		return errFakeProvider
	}
	be, err := startBackend(ctx, getenv, logger, false, true)
	if err != nil {
		return err
	}
	defer be.Close()

	conf, _, posts := scoreChecks(files)
	fmt.Fprintf(stdout, "labelled set: %d posts in %d files\n\nheuristic checks against the labels:\n", posts, len(files))
	writeConfusion(stdout, conf)
	fmt.Fprintln(stdout)
	panel := &judges.Panel{Asker: be.asker, Judges: be.judges, Limiter: judges.NewLimiter(o.concurrency)}
	agreement := calibrate(ctx, panel, files)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted: %w", err)
	}
	writeAgreement(stdout, agreement, be.judges)
	if !judgedAny(agreement) {
		return errors.New("the judge panel gave no verdict on the labelled set")
	}
	return nil
}
