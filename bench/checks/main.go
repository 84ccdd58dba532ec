// Command bench-checks measures the quality checks' own CPU per post (issue
// 23: target ≤ 1 ms) on the labelled tune set (eval/testdata/labelled/tune,
// real captions of real profiles), each request checked as the server
// checks it (checks.RunRequest), and prints the top of a CPU profile
// (runtime/pprof here, never in production) so what costs shows.
//
//	go run . -eval ../../eval
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/profiles"
)

// request is one case of the labelled set, as the checks see it.
type request struct {
	ctx   checks.Context
	posts []content.Post
}

func main() {
	evalDir := flag.String("eval", "../../eval", "the eval module (its testdata)")
	rounds := flag.Int("rounds", 200, "passes over the set")
	top := flag.Int("top", 15, "profile items to print")
	flag.Parse()
	if err := run(*evalDir, *rounds, *top); err != nil {
		fmt.Fprintln(os.Stderr, "bench-checks:", err)
		os.Exit(1)
	}
}

func run(evalDir string, rounds, top int) error {
	reqs, err := load(evalDir)
	if err != nil {
		return err
	}
	posts := 0
	for _, r := range reqs {
		posts += len(r.posts)
	}
	if posts == 0 {
		return fmt.Errorf("no labelled posts under %s", evalDir)
	}
	for _, r := range reqs { // warm-up: lexicons, compiled expressions
		checks.RunRequest(r.ctx, r.posts)
	}

	dir, err := os.MkdirTemp("", "rekan-bench-checks-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	profile := filepath.Join(dir, "cpu.pprof")
	f, err := os.Create(profile)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	cpu0, wall0 := cpuTime(), time.Now()
	for range rounds {
		for _, r := range reqs {
			checks.RunRequest(r.ctx, r.posts)
		}
	}
	cpu, wall := cpuTime()-cpu0, time.Since(wall0)
	pprof.StopCPUProfile()
	f.Close()

	n := rounds * posts
	perPost := cpu / time.Duration(n)
	fmt.Printf("checks: %d posts (%d requests of the tune set × %d rounds), CPU %s, wall %s\n", n, len(reqs), rounds, cpu.Round(time.Millisecond), wall.Round(time.Millisecond))
	fmt.Printf("checks CPU per post: %.3f ms (target ≤ 1 ms, ratio %.2f)\n", float64(perPost.Microseconds())/1000, float64(perPost)/float64(time.Millisecond))

	exe, err := os.Executable()
	if err != nil {
		return err
	}
	// Flat: where the time goes; cumulative within the checks: which check.
	for _, view := range []struct{ title, args string }{
		{"flat", "-top"},
		{"cumulative, the checks' own functions", "-top -cum -show=eval/checks\\."},
	} {
		args := append([]string{"tool", "pprof"}, strings.Fields(view.args)...)
		args = append(args, fmt.Sprintf("-nodecount=%d", top), exe, profile)
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("pprof: %w: %s", err, out)
		}
		fmt.Printf("top %d of the checks' CPU profile (%s):\n", top, view.title)
		for _, line := range strings.Split(string(bytes.TrimSpace(out)), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "flat") || strings.Contains(line, "%") {
				fmt.Println("  " + line)
			}
		}
	}
	return nil
}

// load reads the tune part of the labelled set (the frozen test part is
// for measuring rules, not for benches) with the profiles it names.
func load(evalDir string) ([]request, error) {
	paths, err := filepath.Glob(filepath.Join(evalDir, "testdata", "labelled", "tune", "*.json"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no labelled posts in %s/testdata/labelled/tune (%v)", evalDir, err)
	}
	var reqs []request
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var file struct {
			Profile  string          `json:"profile"`
			Business json.RawMessage `json:"business"`
			Phone    string          `json:"phone"`
			Cases    []struct {
				Brief         string         `json:"brief"`
				PreviousHooks []string       `json:"previous_hooks"`
				Posts         []content.Post `json:"posts"`
			} `json:"cases"`
		}
		if err := json.Unmarshal(data, &file); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		var p profiles.Profile
		if file.Profile != "" {
			p, err = profiles.LoadFile(filepath.Join(evalDir, "testdata", file.Profile+".json"))
		} else {
			p, err = profiles.Parse(path, file.Business)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if file.Phone != "" {
			p.Phone = file.Phone
		}
		for _, c := range file.Cases {
			brief := c.Brief
			if brief == "" {
				brief = p.Brief
			}
			reqs = append(reqs, request{
				ctx:   checks.Context{Business: p.Business, Brief: brief, PreviousHooks: c.PreviousHooks},
				posts: c.Posts,
			})
		}
	}
	return reqs, nil
}

// cpuTime is this process's user + system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
