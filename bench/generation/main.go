// Command bench-generation measures the server's own CPU per generation
// without photos (issue 23 §3: ≤ 2.5 ms at concurrency 16 without the
// checks; the checks ≤ 1 ms per post), before and after, against a bare
// BAML runtime called directly in the same run, and prints the top of the
// server's CPU profile (a build with the bench-only `serve --cpuprofile`,
// api/benchprofile.go; never in bin/api).
//
//	go run . -before BIN -after BIN -fakellm ../../bin/fakellm
//
// fakellm answers at once, so what is measured is Rekan's work: HTTP, auth,
// the request and its posts stored, the streamed reply parsed, the checks.
// In each round the servers and the direct runtime run at once, until one
// of them has done n generations, so load from elsewhere on the machine
// hits them alike; medians over the rounds are printed. The
// checks' share comes from each server's own profile (samples under
// eval/checks), so "without the checks" is the same run's CPU minus theirs.
// It never fails on a missed target.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/pprof/profile"

	"github.com/rekan/rekan/eval/stack"
)

// Targets of issue 23 §3.
const (
	targetServerMs = 2.5 // server CPU per generation, checks excluded
	targetChecksMs = 1.0 // the checks' CPU per post
	concurrency    = 16
	warmup         = 30
)

func main() {
	before := flag.String("before", "", "the server built with -tags benchprofile at the baseline commit (empty: after only)")
	after := flag.String("after", "", "the server built with -tags benchprofile from the working tree")
	fakeBin := flag.String("fakellm", "../../bin/fakellm", "the fakellm binary")
	n := flag.Int("n", 300, "generations per round and side")
	rounds := flag.Int("rounds", 3, "rounds (each side runs once a round, in turn)")
	count := flag.Int("count", 1, "posts per generation")
	top := flag.Int("top", 20, "profile items to print")
	keep := flag.String("keep", "", "copy the after server's profile (without the set-up) here")
	flag.Parse()
	if *after == "" {
		fmt.Fprintln(os.Stderr, "bench-generation: -after is required")
		os.Exit(2)
	}
	if err := run(*before, *after, *fakeBin, *keep, *n, *rounds, *count, *top); err != nil {
		fmt.Fprintln(os.Stderr, "bench-generation:", err)
		os.Exit(1)
	}
}

// side is one thing measured: a server (before or after) or the direct runtime.
type side struct {
	name     string
	generate func() error
	// pids whose CPU is the side's own (the server; or the direct runtime).
	own func() []int
	// child are the server's BAML runtime tree (nil for the direct side).
	child func() []int
	// per round: own CPU and child CPU per generation.
	ownMs, childMs []float64
	srv            *stack.Server
	profile, bin   string
}

func run(beforeBin, afterBin, fakeBin, keep string, n, rounds, count, top int) error {
	work, err := os.MkdirTemp("", "rekan-bench-generation-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	fake, err := stack.StartFakeProcess(context.Background(), fakeBin)
	if err != nil {
		return err
	}
	defer fake.Stop()
	env := stack.Env(append([]string{"REKAN_BAML_CLI=" + os.Getenv("REKAN_BAML_CLI")}, fake.Env()...)...)

	var sides []*side
	for _, s := range []struct{ name, bin string }{{"before", beforeBin}, {"after", afterBin}} {
		if s.bin == "" {
			continue
		}
		sd, err := startServer(s.name, s.bin, work, env, count, warmup+rounds*n)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		defer sd.srv.Stop(0)
		sides = append(sides, sd)
	}
	direct, err := startDirect(fake.URL, count)
	if err != nil {
		return err
	}
	defer direct.close()
	sides = append(sides, &side{name: "BAML runtime direct", generate: direct.generate, own: func() []int { return []int{direct.rt.PID()} }})

	for _, sd := range sides { // warm-up: connections, SQLite pages, the runtime's first calls
		for range warmup {
			if err := sd.generate(); err != nil {
				return fmt.Errorf("%s warm-up: %w", sd.name, err)
			}
		}
	}
	load0 := loadavg()
	for range rounds {
		// Every side at once, so whatever else runs on the machine meets
		// them alike, until one has done n generations; each side's CPU is
		// over what it completed.
		stop := make(chan struct{})
		var (
			once sync.Once
			wg   sync.WaitGroup
			mu   sync.Mutex
			ferr error
		)
		for _, sd := range sides {
			wg.Go(func() {
				own, child := sd.own(), []int(nil)
				if sd.child != nil {
					child = sd.child()
				}
				o0, c0 := cpuOf(own), cpuOf(child)
				done, err := loadUntil(n, sd.generate, stop)
				once.Do(func() { close(stop) })
				o1, c1 := cpuOf(own), cpuOf(child)
				mu.Lock()
				defer mu.Unlock()
				if err != nil || done == 0 {
					if ferr == nil {
						ferr = fmt.Errorf("%s: %d generations: %v", sd.name, done, err)
					}
					return
				}
				sd.ownMs = append(sd.ownMs, ms(o1-o0)/float64(done))
				sd.childMs = append(sd.childMs, ms(c1-c0)/float64(done))
			})
		}
		wg.Wait()
		if ferr != nil {
			return ferr
		}
	}
	// Stopping writes each server's profile.
	for _, sd := range sides {
		if sd.srv != nil {
			_ = sd.srv.Stop(15 * time.Second)
		}
	}

	fmt.Printf("generation without photos (%d post(s) each), sides at once until one has done %d, each at concurrency %d, %d rounds, medians; fakellm answers at once\n",
		count, n, concurrency, rounds)
	fmt.Printf("%-34s %12s %12s %14s %12s %10s\n", "", "server CPU", "of which", "server without", "checks per", "its BAML")
	fmt.Printf("%-34s %12s %12s %14s %12s %10s\n", "", "per gen", "checks", "checks", "post", "runtime")
	results := map[string]float64{}
	without := map[string][]float64{} // per round, checks apart
	for _, sd := range sides {
		own, child := median(sd.ownMs), median(sd.childMs)
		if sd.srv == nil {
			fmt.Printf("%-34s %12s %12s %14s %12s %8.2fms\n", sd.name+" (its own CPU)", "", "", "", "", own)
			results["direct"] = own
			continue
		}
		share, err := generationsOnly(sd.profile)
		if err != nil {
			return fmt.Errorf("%s profile: %w", sd.name, err)
		}
		checksMs := own * share
		fmt.Printf("%-34s %10.2fms %10.2fms %12.2fms %10.3fms %8.2fms\n",
			"server "+sd.name, own, checksMs, own-checksMs, checksMs/float64(count), child)
		results[sd.name] = own - checksMs
		results[sd.name+" checks"] = checksMs / float64(count)
		for _, r := range sd.ownMs {
			without[sd.name] = append(without[sd.name], r*(1-share))
		}
	}
	without["direct"] = sides[len(sides)-1].ownMs
	a := results["after"]
	fmt.Printf("server CPU per generation without the checks, after: %.2f ms (target ≤ %.1f ms, ratio %.2f); %.2f× the bare runtime's %.2f ms\n",
		a, targetServerMs, a/targetServerMs, a/results["direct"], results["direct"])
	fmt.Printf("checks CPU per post, after: %.3f ms (target ≤ %.1f ms, ratio %.2f)\n",
		results["after checks"], targetChecksMs, results["after checks"]/targetChecksMs)
	if b, ok := results["before"]; ok {
		fmt.Printf("after / before (server without the checks): %.2f (%.2f → %.2f ms); median of the rounds' own ratios %.2f\n",
			a/b, b, a, medianRatio(without["after"], without["before"]))
	}
	fmt.Printf("after / bare runtime, median of the rounds' own ratios: %.2f\n", medianRatio(without["after"], without["direct"]))
	fmt.Printf("load average before and after the rounds: %s / %s (CPU time per request grows on a crowded machine)\n", load0, loadavg())
	after := sides[len(sides)-2]
	if keep != "" {
		if out, err := exec.Command("cp", after.profile, keep).CombinedOutput(); err != nil {
			return fmt.Errorf("keep the profile: %w: %s", err, out)
		}
	}
	return printTop(after.bin, after.profile, top)
}

// spendsPerOperator keeps each operator under the default generation
// budget (60 an hour): the load is spread over as many operators as that
// takes, each with a business of their own, as on a real instance, instead
// of one operator with a raised budget whose hour of spends every
// generation would read.
const spendsPerOperator = 50

func startServer(name, bin, work string, env []string, count, generations int) (*side, error) {
	dir := filepath.Join(work, name)
	code, out, err := stack.CLI(bin, dir, env, "", "superuser", "upsert", "root@example.com", "root-password-1")
	if err == nil && code != 0 {
		err = fmt.Errorf("api superuser upsert: exit %d: %s", code, out)
	}
	if err != nil {
		return nil, err
	}
	prof := filepath.Join(work, name+".pprof")
	srv, err := stack.StartServer(context.Background(), stack.ServerConfig{
		Binary: bin, DataDir: dir, WorkDir: work, Env: env, Args: []string{"--cpuprofile", prof},
	})
	if err != nil {
		return nil, err
	}
	ops, err := setup(srv.Base, (generations+spendsPerOperator-1)/spendsPerOperator)
	if err != nil {
		srv.Stop(0)
		return nil, err
	}
	body := fmt.Sprintf(`{"brief":"bolo de cenoura com calda de chocolate","count":%d}`, count)
	var next atomic.Int64
	return &side{
		name: name, srv: srv, profile: prof, bin: bin,
		generate: func() error {
			op := ops[int(next.Add(1))%len(ops)]
			url := srv.Base + "/api/rekan/businesses/" + op.business + "/posts:generate"
			status, _, raw, err := stack.Call(context.Background(), client, "POST", url, op.token, body)
			if err == nil && status != 200 {
				err = fmt.Errorf("generate: %d %s", status, raw)
			}
			return err
		},
		own:   func() []int { return []int{srv.Pid()} },
		child: func() []int { return stack.Descendants(srv.Pid()) },
	}, nil
}

type operator struct{ token, business string }

// setup lifts the rate limit for loopback (a superuser setting, as
// bench/api does) and creates n operators, each logged in with a business.
func setup(base string, n int) ([]operator, error) {
	ctx := context.Background()
	su, _, err := stack.Login(ctx, base, "_superusers", "root@example.com", "root-password-1")
	if err != nil {
		return nil, err
	}
	su.HTTP = client
	if _, err := su.Do(ctx, "PATCH", "/api/settings", map[string]any{"rateLimits": map[string]any{"excludedIPs": []string{"127.0.0.1"}}}, nil); err != nil {
		return nil, fmt.Errorf("lift the rate limit for loopback: %w", err)
	}
	ops := make([]operator, 0, n)
	for i := range n {
		email, password := fmt.Sprintf("bench%d@example.com", i), "bench-password-1"
		user := map[string]any{"email": email, "password": password, "passwordConfirm": password, "verified": true}
		if _, err := su.Do(ctx, "POST", "/api/collections/users/records", user, nil); err != nil {
			return nil, err
		}
		op, id, err := stack.Login(ctx, base, "users", email, password)
		if err != nil {
			return nil, err
		}
		var biz struct{ ID string }
		if _, err := op.Do(ctx, "POST", "/api/collections/businesses/records", map[string]any{
			"owner": id, "name": "Confeitaria Bench", "segment": "confeitaria", "city": "São Paulo", "state": "SP",
			"services": []map[string]any{{"name": "Bolo de cenoura", "price_brl": 45}}, "facts": []string{"receita da avó"}, "voice": "carinhosa",
		}, &biz); err != nil {
			return nil, err
		}
		ops = append(ops, operator{op.Token, biz.ID})
	}
	return ops, nil
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// loadUntil runs up to n calls of fn at the bench's concurrency, no new one
// once stop is closed, and returns how many completed.
func loadUntil(n int, fn func() error, stop <-chan struct{}) (int, error) {
	jobs := make(chan struct{}, n)
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		done  int
	)
	for range concurrency {
		wg.Go(func() {
			for range jobs {
				select {
				case <-stop:
					return
				default:
				}
				err := fn()
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				if err == nil {
					done++
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return done, first
}

// generationsOnly rewrites a server's profile without the set-up's
// password hashing (operators created and logged in), so its top and its
// totals are the generations', and returns the share of its CPU samples
// with a frame of eval/checks on their stack: the checks' cumulative share
// (a share, as the profiler may miss samples under load; /proc does not).
func generationsOnly(path string) (checksShare float64, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	p, err := profile.ParseData(raw)
	if err != nil {
		return 0, err
	}
	if len(p.Sample) == 0 {
		return 0, fmt.Errorf("no samples in %s", path)
	}
	idx := len(p.SampleType) - 1 // cpu nanoseconds
	p.Sample = slices.DeleteFunc(p.Sample, func(s *profile.Sample) bool { return onStack(s, "golang.org/x/crypto/bcrypt.") })
	var total, checks int64
	for _, s := range p.Sample {
		total += s.Value[idx]
		if onStack(s, "rekan/rekan/eval/checks.") {
			checks += s.Value[idx]
		}
	}
	if total == 0 {
		return 0, fmt.Errorf("no samples in %s but the set-up's", path)
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	if err := p.Write(f); err != nil {
		f.Close()
		return 0, err
	}
	return float64(checks) / float64(total), f.Close()
}

// onStack reports whether a frame of a function named with prefix (a
// package path and a dot) is on the sample's stack.
func onStack(s *profile.Sample, prefix string) bool {
	for _, loc := range s.Location {
		for _, line := range loc.Line {
			if line.Function != nil && strings.Contains(line.Function.Name, prefix) {
				return true
			}
		}
	}
	return false
}

func printTop(bin, prof string, top int) error {
	for _, view := range []struct{ title, args string }{
		{"flat", "-top"},
		{"cumulative, Rekan's own functions", "-top -cum -show=rekan/rekan/"},
		{"cumulative, SQLite and PocketBase's database layer", "-top -cum -show=modernc.org/sqlite|pocketbase/dbx|pocketbase/core"},
	} {
		args := append([]string{"tool", "pprof"}, strings.Fields(view.args)...)
		args = append(args, fmt.Sprintf("-nodecount=%d", top), bin, prof)
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("pprof: %w: %s", err, out)
		}
		fmt.Printf("top %d of the after server's CPU profile (%s):\n", top, view.title)
		for _, line := range strings.Split(string(bytes.TrimSpace(out)), "\n") {
			if strings.Contains(line, "%") {
				fmt.Println("  " + line)
			}
		}
	}
	return nil
}

// medianRatio is the median over the rounds of a[i]/b[i]: sides measured
// run at once in a round meet the same load.
func medianRatio(a, b []float64) float64 {
	r := make([]float64, 0, len(a))
	for i := range a {
		r = append(r, a[i]/b[i])
	}
	return median(r)
}

// loadavg is the 1-minute load average (/proc/loadavg).
func loadavg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(raw))[0]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// cpuOf is the user + system CPU of pids, from /proc/PID/stat.
func cpuOf(pids []int) time.Duration {
	var total time.Duration
	for _, pid := range pids {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// utime and stime are the 14th and 15th fields, after the command
		// name (which may hold spaces), in clock ticks (100 a second).
		f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(ut+st) * 10 * time.Millisecond
	}
	return total
}
