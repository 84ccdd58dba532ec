// Command bench-eval measures a full `eval --judges` run against fakellm
// answering every call after a fixed latency (300 ms), and compares its wall
// time with the critical path: the shortest time the same calls could take
// given their dependencies (generation -> its votes, chain -> next
// generation) and the concurrency limit. Target: wall <= 1.5 x critical path.
// It also renders the run's HTML report with headless Chromium into the
// artifacts directory, as visual proof that the report opens in a browser.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rekan/rekan/eval/fakellm"
	"github.com/rekan/rekan/eval/stack"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-eval:", err)
		os.Exit(1)
	}
}

type savedRun struct {
	ID         string `json:"id"`
	DurationMS int64  `json:"duration_ms"`
	Options    struct {
		Concurrency int `json:"concurrency"`
		Count       int `json:"count"`
		Chain       int `json:"chain"`
	} `json:"options"`
	Models struct {
		Judges []struct{ Client, Model string } `json:"judges"`
	} `json:"models"`
	Businesses []struct {
		Profile     struct{ ID string } `json:"profile"`
		Generations []struct {
			DurationMS int64  `json:"duration_ms"`
			Error      string `json:"error"`
			Posts      []struct {
				Verdicts []struct {
					Status string
					Votes  []struct {
						DurationMS int64  `json:"duration_ms"`
						Error      string `json:"error"`
					} `json:"votes"`
				} `json:"verdicts"`
			} `json:"posts"`
			Variety *struct {
				Status string
				Votes  []struct {
					DurationMS int64  `json:"duration_ms"`
					Error      string `json:"error"`
				} `json:"votes"`
			} `json:"variety"`
		} `json:"generations"`
	} `json:"businesses"`
}

func run() error {
	evalBin := flag.String("eval", "bin/eval", "eval CLI binary")
	fakeBin := flag.String("fakellm", "bin/fakellm", "fakellm binary")
	artifacts := flag.String("artifacts", "artifacts", "where the report and its screenshot go")
	latency := flag.Duration("latency", 300*time.Millisecond, "fakellm latency of every call")
	concurrency := flag.Int("concurrency", 8, "eval --concurrency (8 is the CLI's default)")
	count := flag.Int("count", 2, "eval --count (2 is the CLI's default)")
	flag.Parse()

	work, err := os.MkdirTemp("", "bench-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fakeCmd := exec.CommandContext(ctx, *fakeBin, "-latency", latency.String())
	// fakellm must not outlive the benchmark, even when it is killed.
	fakeCmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	fake, err := fakellm.StartProcess(ctx, fakeCmd)
	if err != nil {
		return err
	}
	defer fake.Stop()
	baseURL := fake.URL

	runsDir := filepath.Join(work, "runs")
	cmd := exec.CommandContext(ctx, *evalBin, "--judges", "--report", "--quiet",
		"--concurrency", fmt.Sprint(*concurrency), "--count", fmt.Sprint(*count), "--runs", runsDir)
	cmd.Env = stack.Env(append([]string{"REKAN_BAML_CLI=" + os.Getenv("REKAN_BAML_CLI")}, stack.FakeEnv(baseURL)...)...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	process := time.Since(start)
	if err != nil {
		os.Stdout.Write(out)
		return fmt.Errorf("eval run: %w", err)
	}
	var runPath, reportPath string
	for _, line := range strings.Split(string(out), "\n") {
		if p, ok := strings.CutPrefix(line, "run saved to "); ok {
			runPath = p
		}
		if p, ok := strings.CutPrefix(line, "report written to "); ok {
			reportPath = p
		}
	}
	data, err := os.ReadFile(runPath)
	if err != nil {
		return fmt.Errorf("read run: %w", err)
	}
	var r savedRun
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("parse run: %w", err)
	}

	var gens []genTask
	var roots []int
	calls, failed := 0, 0
	var callTime time.Duration
	for _, b := range r.Businesses {
		for i, g := range b.Generations {
			votes := 0
			for _, p := range g.Posts {
				for _, v := range p.Verdicts {
					votes += len(v.Votes)
					for _, vote := range v.Votes {
						callTime += time.Duration(vote.DurationMS) * time.Millisecond
						if vote.Error != "" {
							failed++
						}
					}
				}
			}
			if g.Variety != nil {
				votes += len(g.Variety.Votes)
				for _, vote := range g.Variety.Votes {
					callTime += time.Duration(vote.DurationMS) * time.Millisecond
				}
			}
			if g.Error != "" {
				failed++
			}
			callTime += time.Duration(g.DurationMS) * time.Millisecond
			calls += 1 + votes
			next := -1
			if i+1 < len(b.Generations) {
				next = len(gens) + 1
			}
			if i == 0 {
				roots = append(roots, len(gens))
			}
			gens = append(gens, genTask{votes: votes, next: next})
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d calls failed; the figures would be meaningless", failed)
	}
	critical, rounds := criticalPath(gens, roots, r.Options.Concurrency, *latency)
	pipeline := time.Duration(r.DurationMS) * time.Millisecond
	depth := 2 * r.Options.Chain
	lowerBound := time.Duration(max(depth, int(math.Ceil(float64(calls)/float64(r.Options.Concurrency))))) * *latency

	fmt.Printf("eval --judges: %d businesses, %d posts per generation, %d judges, concurrency %d, fakellm latency %s\n",
		len(r.Businesses), r.Options.Count, len(r.Models.Judges), r.Options.Concurrency, *latency)
	fmt.Printf("  LLM calls:                 %d (%d generations + %d votes), mean call as seen by eval %s\n",
		calls, len(gens), calls-len(gens), (callTime / time.Duration(calls)).Round(time.Millisecond))
	fmt.Printf("  critical path:             %s (%d rounds of %s; bound max(depth %d, ceil(%d calls / %d)) = %s)\n",
		critical, rounds, *latency, depth, calls, r.Options.Concurrency, lowerBound)
	fmt.Printf("  wall time, pipeline:       %s\n", pipeline.Round(time.Millisecond))
	fmt.Printf("  wall time, whole process:  %s (includes starting and stopping the BAML runtime)\n", process.Round(time.Millisecond))
	ratio := pipeline.Seconds() / critical.Seconds()
	verdict := "OK"
	if ratio > 1.5 {
		verdict = "OVER TARGET"
	}
	fmt.Printf("  ratio pipeline/critical:   %.2fx (target <= 1.50x: %s)\n", ratio, verdict)
	fmt.Printf("  ratio process/critical:    %.2fx\n", process.Seconds()/critical.Seconds())

	if err := os.MkdirAll(*artifacts, 0o755); err != nil {
		return err
	}
	report := filepath.Join(*artifacts, "eval-report.html")
	if err := copyFile(reportPath, report); err != nil {
		return err
	}
	shot := filepath.Join(*artifacts, "eval-report.png")
	if err := screenshot(ctx, report, shot); err != nil {
		return err
	}
	fmt.Printf("  report: %s, screenshot: %s\n", report, shot)
	return nil
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("read report: %w", err)
	}
	return os.WriteFile(to, data, 0o644)
}

// screenshot renders page with Debian's Chromium, headless, with the flags
// the project uses everywhere (no network side traffic, no sandbox as root).
func screenshot(ctx context.Context, page, png string) error {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		return fmt.Errorf("screenshot: chromium not found (scripts/need chromium): %w", err)
	}
	abs, err := filepath.Abs(page)
	if err != nil {
		return err
	}
	absPNG, err := filepath.Abs(png)
	if err != nil {
		return err
	}
	profile, err := os.MkdirTemp("", "bench-eval-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--disable-quic", "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir="+profile,
		"--window-size=1280,2400", "--screenshot="+absPNG, "file://"+abs)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("screenshot: %w\n%s", err, tail(stderr.String()))
	}
	if info, err := os.Stat(absPNG); err != nil || info.Size() == 0 {
		return fmt.Errorf("screenshot: chromium wrote no image\n%s", tail(stderr.String()))
	}
	return nil
}

func tail(s string) string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > 10 {
		lines = lines[len(lines)-10:]
	}
	return strings.Join(lines, "\n")
}
