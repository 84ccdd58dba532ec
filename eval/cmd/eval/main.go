// Command eval judges Rekan's prompts before they reach clients: it
// generates content for the test business profiles (eval/testdata), runs
// the heuristic checks, optionally asks the LLM judge panel, saves the run
// as JSON under eval/runs/, prints a summary table and can write an HTML
// report. It starts and stops its own BAML runtime, like the server; with
// --fake it serves fakellm in process as the provider.
//
// Exit codes: 0 the run completed, 1 it could not (configuration, profiles,
// runtime, or nothing could be generated/judged), 2 bad usage, 3 the run
// completed below --fail-under.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/joho/godotenv"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/fakellm"
	"github.com/rekan/rekan/eval/judges"
	"github.com/rekan/rekan/eval/profiles"
	"github.com/rekan/rekan/eval/text"
)

const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
	exitBelow = 3
)

// DefaultConcurrency keeps a full --judges run well inside the rate limits
// of the cheap models we judge with while still overlapping most calls.
const DefaultConcurrency = 8

type options struct {
	judges      bool
	profiles    string
	count       int
	chain       int
	fromRun     string
	diff        bool
	concurrency int
	report      bool
	failUnder   float64
	profilesDir string
	runsDir     string
	quiet       bool
	calibrate   bool
	fake        fakeMode
	fakeFault   fakellm.Fault
	// faked is set once fakellm answers the run's LLM calls.
	faked   bool
	samples int
}

func main() {
	// Like the server: .env in the working directory fills what the real
	// environment leaves unset (godotenv never overrides).
	if err := godotenv.Load(".env"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(exitFail)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

func parseFlags(args []string, stderr io.Writer) (options, []string, error) {
	var o options
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.judges, "judges", false, "ask the LLM judge panel (two models from REKAN_JUDGE_MODELS)")
	fs.StringVar(&o.profiles, "profile", "", "only these profiles (comma-separated ids, e.g. confeitaria-lu)")
	fs.IntVar(&o.count, "count", 2, fmt.Sprintf("posts per generation (%d-%d)", content.MinPostsPerRequest, content.MaxPostsPerRequest))
	fs.IntVar(&o.chain, "chain", 1, "consecutive generations for one profile, feeding hooks forward")
	fs.IntVar(&o.samples, "samples", 0, "write `N` posts per profile in independent generations of --count and report rates with 95% intervals")
	fs.StringVar(&o.fromRun, "from-run", "", "re-check and re-judge the posts of a saved run `FILE` without generating (implies --judges)")
	fs.BoolVar(&o.diff, "diff", false, "compare two saved runs: eval --diff A.json B.json")
	fs.IntVar(&o.concurrency, "concurrency", DefaultConcurrency, "LLM calls in flight at once (generation and votes)")
	fs.BoolVar(&o.report, "report", false, "also write a self-contained HTML report next to the run file")
	fs.Float64Var(&o.failUnder, "fail-under", 0, "exit 3 when the score (judge pass rate, or checks pass rate without judges) is below `RATE` (0-1)")
	fs.StringVar(&o.profilesDir, "profiles", "", "profiles directory (default: eval/testdata found from the working directory)")
	fs.StringVar(&o.runsDir, "runs", "", "where runs are saved (default: eval/runs next to the profiles)")
	fs.BoolVar(&o.quiet, "quiet", false, "log only warnings and errors")
	fs.BoolVar(&o.calibrate, "calibrate", false, "measure the checks and the judge panel against the labelled set (eval/testdata/labelled); needs a real provider")
	fs.Var(&o.fake, "fake", "answer every LLM call from fakellm, served in process; --fake=auto only when REKAN_LLM_API_KEY is empty (make eval). Loudly: the scores then say nothing about the prompts")
	var fault string
	fs.StringVar(&fault, "fake-fault", "", fmt.Sprintf("plant this `mistake` in every post fakellm writes, one of %v (implies --fake)", fakellm.Faults))
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: eval [flags]            generate for every profile and run the checks")
		fmt.Fprintln(stderr, "       eval --judges [flags]   ... and ask the judge panel")
		fmt.Fprintln(stderr, "       eval --from-run FILE    re-judge a saved run")
		fmt.Fprintln(stderr, "       eval --diff A.json B.json")
		fmt.Fprintln(stderr, "       eval --calibrate        agreement of checks and judges with the labelled set")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, nil, err
	}
	o.fakeFault = fakellm.Fault(fault)
	if fault != "" {
		o.fake = fakeAlways
	}
	switch {
	case !o.fakeFault.Valid():
		return o, nil, fmt.Errorf("unknown --fake-fault %q (known: %v)", fault, fakellm.Faults)
	case o.calibrate && o.fake == fakeAlways:
		return o, nil, errors.New("--calibrate never runs against fakellm: drop --fake and --fake-fault")
	case o.count < content.MinPostsPerRequest || o.count > content.MaxPostsPerRequest:
		return o, nil, fmt.Errorf("--count must be %d-%d, got %d", content.MinPostsPerRequest, content.MaxPostsPerRequest, o.count)
	case o.chain < 1:
		return o, nil, fmt.Errorf("--chain must be at least 1, got %d", o.chain)
	case o.concurrency < 1:
		return o, nil, fmt.Errorf("--concurrency must be at least 1, got %d", o.concurrency)
	case o.failUnder < 0 || o.failUnder > 1:
		return o, nil, fmt.Errorf("--fail-under is a rate between 0 and 1, got %g", o.failUnder)
	case o.diff && fs.NArg() != 2:
		return o, nil, fmt.Errorf("--diff needs two run files, got %d arguments", fs.NArg())
	case !o.diff && fs.NArg() != 0:
		return o, nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	case o.calibrate && (o.fromRun != "" || o.diff || o.chain > 1 || o.judges || o.report || o.failUnder > 0):
		return o, nil, errors.New("--calibrate runs alone (only --profiles, --concurrency and --quiet apply)")
	case o.samples < 0 || (o.samples > 0 && (o.chain > 1 || o.fromRun != "")):
		return o, nil, errors.New("--samples N (N ≥ 1) generates independent requests: it cannot be combined with --chain or --from-run")
	case o.fromRun != "" && o.chain > 1:
		return o, nil, errors.New("--chain generates; it cannot be combined with --from-run")
	}
	if o.fromRun != "" {
		o.judges = true
	}
	return o, fs.Args(), nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	o, rest, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "eval:", err)
		return exitUsage
	}
	if o.diff {
		return runDiff(rest[0], rest[1], stdout, stderr)
	}
	level := slog.LevelInfo
	if o.quiet {
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	getenv, stopFake, faked, err := withFake(o, getenv, stderr)
	o.faked = faked
	if err != nil {
		fmt.Fprintln(stderr, "eval:", err)
		return exitFail
	}
	defer stopFake()
	if o.calibrate {
		if err := runCalibrate(ctx, o, getenv, logger, stdout); err != nil {
			fmt.Fprintln(stderr, "eval:", err)
			return exitFail
		}
		return exitOK
	}

	result, err := execute(ctx, o, getenv, logger)
	if err != nil {
		fmt.Fprintln(stderr, "eval:", err)
		return exitFail
	}
	writeSummary(stdout, result.run)
	fmt.Fprintf(stdout, "run saved to %s\n", result.path)
	if o.report {
		reportPath := strings.TrimSuffix(result.path, ".json") + ".html"
		if err := saveReport(reportPath, result.run); err != nil {
			fmt.Fprintln(stderr, "eval:", err)
			return exitFail
		}
		fmt.Fprintf(stdout, "report written to %s\n", reportPath)
	}
	if err := completed(result.run); err != nil {
		fmt.Fprintln(stderr, "eval: run did not complete:", err)
		return exitFail
	}
	if o.failUnder > 0 {
		rate, basis, ok := statsOf(result.run).Score()
		if !ok || rate < o.failUnder {
			fmt.Fprintf(stderr, "eval: score %.1f%% of %s is below --fail-under %.1f%%\n", rate*100, basis, o.failUnder*100)
			return exitBelow
		}
	}
	return exitOK
}

// finished is a saved run and where it was saved.
type finished struct {
	run  *Run
	path string
}

// execute loads what the run needs, starts the runtime when an LLM is
// involved, runs the pipeline and saves the run.
func execute(ctx context.Context, o options, getenv func(string) string, logger *slog.Logger) (finished, error) {
	var saved *Run
	var list []profiles.Profile
	var err error
	names := text.SplitList(o.profiles)
	if o.fromRun != "" {
		if saved, err = loadRun(o.fromRun); err != nil {
			return finished{}, err
		}
		saved.Businesses, err = selectBusinesses(saved.Businesses, names)
		if err != nil {
			return finished{}, err
		}
	} else {
		dir := o.profilesDir
		if dir == "" {
			if dir, err = profiles.FindDir("."); err != nil {
				return finished{}, err
			}
		}
		all, err := profiles.LoadDir(dir)
		if err != nil {
			return finished{}, err
		}
		if list, err = profiles.Select(all, names...); err != nil {
			return finished{}, err
		}
		if o.chain > 1 && len(list) != 1 {
			return finished{}, fmt.Errorf("--chain %d follows one business: add --profile NAME", o.chain)
		}
	}
	runsDir, err := resolveRunsDir(o)
	if err != nil {
		return finished{}, err
	}

	be, err := startBackend(ctx, getenv, logger, o.fromRun == "", o.judges)
	if err != nil {
		return finished{}, err
	}
	defer be.Close()

	limiter := judges.NewLimiter(o.concurrency)
	p := &Pipeline{
		Writer:  be.writer,
		Check:   checks.RunRequest,
		Limiter: limiter,
		Count:   o.count,
		Chain:   o.chain,
		Samples: o.samples,
		Logger:  logger,
	}
	if o.judges {
		p.Panel = &judges.Panel{Asker: be.asker, Judges: be.judges, Limiter: limiter}
	}

	started := time.Now()
	run := &Run{
		Format:    runFormat,
		ID:        newRunID(started),
		StartedAt: started.UTC(),
		Options: RunOptions{
			Judges: o.judges, Count: o.count, Chain: o.chain, Concurrency: o.concurrency,
			Profiles: names, FromRun: o.fromRun, Samples: o.samples,
			FakeWriter: o.faked && o.fromRun == "", FakeJudges: o.faked && o.judges,
		},
		Models: Models{Writer: be.writerModel, Judges: be.judges},
	}
	if saved != nil {
		run.Options.Count = saved.Options.Count
		run.Options.Chain = saved.Options.Chain
		run.Options.Samples = saved.Options.Samples
		run.Options.FakeWriter = saved.Options.FakeWriter
		run.Models.Writer = saved.Models.Writer
		run.Businesses = p.Rejudge(ctx, saved.Businesses)
	} else {
		run.Businesses = p.Generate(ctx, list)
	}
	if err := ctx.Err(); err != nil {
		return finished{}, fmt.Errorf("interrupted: %w", err)
	}
	for _, br := range run.Businesses {
		for _, g := range br.Generations {
			if g.Model != "" {
				run.Models.Writer = g.Model
			}
		}
	}
	run.FinishedAt = time.Now().UTC()
	run.DurationMS = time.Since(started).Milliseconds()
	path, err := saveRun(runsDir, run)
	if err != nil {
		return finished{}, err
	}
	return finished{run: run, path: path}, nil
}

// completed says why a finished run cannot be trusted at all: nothing was
// generated, or the panel was asked and could not give a single verdict.
func completed(run *Run) error {
	rs := statsOf(run)
	if rs.Posts == 0 {
		return fmt.Errorf("no posts: %d of %d generations failed", rs.GenErrors, rs.Generations)
	}
	if !rs.Judged {
		return nil
	}
	var all Tally
	for _, t := range rs.Criteria {
		all.Pass += t.Pass
		all.Fail += t.Fail
		all.Error += t.Error
	}
	if all.Pass+all.Fail == 0 {
		return fmt.Errorf("the judge panel gave no verdict (%d errors)", all.Error)
	}
	return nil
}

func runDiff(pathA, pathB string, stdout, stderr io.Writer) int {
	a, err := loadRun(pathA)
	if err != nil {
		fmt.Fprintln(stderr, "eval:", err)
		return exitFail
	}
	b, err := loadRun(pathB)
	if err != nil {
		fmt.Fprintln(stderr, "eval:", err)
		return exitFail
	}
	writeDiff(stdout, a, b, pathA, pathB)
	return exitOK
}

func selectBusinesses(all []BusinessRun, names []string) ([]BusinessRun, error) {
	list := make([]profiles.Profile, len(all))
	for i, br := range all {
		list[i] = br.Profile
	}
	picked, err := profiles.Select(list, names...)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]BusinessRun, len(all))
	for _, br := range all {
		byID[br.Profile.ID] = br
	}
	out := make([]BusinessRun, len(picked))
	for i, p := range picked {
		out[i] = byID[p.ID]
	}
	return out, nil
}

func resolveRunsDir(o options) (string, error) {
	if o.runsDir != "" {
		return o.runsDir, nil
	}
	dir := o.profilesDir
	if dir == "" {
		found, err := profiles.FindDir(".")
		if err != nil {
			return "", fmt.Errorf("runs directory: %w", err)
		}
		dir = found
	}
	return filepath.Join(filepath.Dir(filepath.Clean(dir)), "runs"), nil
}
