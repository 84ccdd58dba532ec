// Command bench-restart restarts the Rekan server behind the module's Caddy
// site block while clients keep using it, the way a deploy does: read load
// through Caddy, generations waiting on a slow LLM, SIGTERM, the unit's
// RestartSec, start again. It prints how many requests failed, the longest
// one, and how many of the generations in flight during SIGTERM completed.
//
//	go run . -api bin/api -fakellm bin/fakellm -caddy CADDY -site SITE.caddy -restart-sec 1s
//
// SITE holds the site block body (nix/caddy-site.nix rendered) with the
// upstream written as @UPSTREAM@. nix/checks/restart.sh renders it and runs
// this with -check, which exits 1 unless every target is met; `make
// bench-restart` runs the same thing for the figures.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rekan/rekan/eval/stack"
)

type config struct {
	api, fakellm, caddy, site string
	restartSec                time.Duration
	workers, inFlight, cycles int
	check                     bool
}

func main() {
	var c config
	flag.StringVar(&c.api, "api", "bin/api", "the server binary")
	flag.StringVar(&c.fakellm, "fakellm", "bin/fakellm", "the fakellm binary")
	flag.StringVar(&c.caddy, "caddy", "caddy", "the caddy binary")
	flag.StringVar(&c.site, "site", "", "file with the site block body, upstream written as @UPSTREAM@")
	flag.DurationVar(&c.restartSec, "restart-sec", time.Second, "the unit's RestartSec")
	flag.IntVar(&c.workers, "workers", 8, "concurrent read clients")
	flag.IntVar(&c.inFlight, "generations", 4, "generations in flight at each SIGTERM (the rate limit allows 10 a minute)")
	flag.IntVar(&c.cycles, "restarts", 2, "restarts: the first with generations in flight, the rest idle")
	flag.BoolVar(&c.check, "check", false, "exit 1 unless 0 requests failed and every generation in flight completed")
	flag.Parse()
	if c.site == "" {
		fmt.Fprintln(os.Stderr, "bench-restart: -site is required")
		os.Exit(2)
	}
	ok, err := run(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-restart:", err)
		os.Exit(1)
	}
	if c.check && !ok {
		fmt.Fprintln(os.Stderr, "bench-restart: FAIL: a target was missed (see above)")
		os.Exit(1)
	}
}

type bench struct {
	c               config
	st              *stack.Stack
	fakeURL, base   string
	token, business string
}

func run(c config) (bool, error) {
	s := &bench{c: c}
	var err error
	for _, p := range []*string{&c.api, &c.fakellm, &c.caddy} {
		if *p, err = exec.LookPath(*p); err != nil {
			return false, err
		}
		if *p, err = filepath.Abs(*p); err != nil {
			return false, err
		}
	}
	s.c = c
	site, err := os.ReadFile(c.site)
	if err != nil {
		return false, err
	}
	// Caddy only needs the server's listener; the requests wait for the
	// runtime like a client after a deploy would.
	s.st, err = stack.Start(context.Background(), stack.Config{
		API: c.api, BAMLCLI: os.Getenv("REKAN_BAML_CLI"), FakeBinary: c.fakellm,
		Env:       []string{"REKAN_TRUSTED_PROXY_HEADERS=X-Forwarded-For"},
		Operators: []stack.Account{operator}, Superuser: &root,
		Ready: stack.Listening, Caddy: c.caddy, Sites: []string{string(site)},
	})
	if err != nil {
		return false, err
	}
	defer s.st.Stop()
	s.fakeURL, s.base = s.st.Fake.URL, s.st.URL
	if err := s.setup(); err != nil {
		return false, err
	}

	load := s.startLoad()
	time.Sleep(2 * time.Second)
	var cycles []cycle
	for i := range c.cycles {
		n := 0
		if i == 0 {
			n = c.inFlight
		}
		cy, err := s.restart(n)
		if err != nil {
			load.stop()
			return false, err
		}
		cycles = append(cycles, cy)
		time.Sleep(2 * time.Second)
	}
	reads := load.stop()
	return report(c, reads, cycles), nil
}

// The accounts the benchmark creates.
var (
	operator = stack.Account{Email: "bench@example.com", Password: "bench-password-1"}
	root     = stack.Account{Email: "root@example.com", Password: "root-password-1"}
)

// --- the restart -----------------------------------------------------------

type cycle struct {
	inFlight, completed int
	// refused is the answer to a generation sent while the server drained.
	refused    generation
	drain, gap time.Duration
}

type generation struct {
	status     int
	retryAfter string
	body       string
	err        error
}

// restart does what systemd does on a TERM from outside: wait for the exit,
// RestartSec, start again. With n > 0, n generations wait on a slow LLM
// when the TERM arrives.
func (s *bench) restart(n int) (cycle, error) {
	cy := cycle{inFlight: n}
	results := make(chan generation, n)
	if n > 0 {
		if err := s.fakeLatency(1500 * time.Millisecond); err != nil {
			return cy, err
		}
		before, err := s.fakeRequests()
		if err != nil {
			return cy, err
		}
		for i := range n {
			go func() { results <- s.generate(fmt.Sprintf("pedido em andamento %d", i)) }()
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			got, err := s.fakeRequests()
			if err != nil {
				return cy, err
			}
			if got-before >= n {
				break
			}
			if time.Now().After(deadline) {
				return cy, fmt.Errorf("only %d of %d generations reached the LLM", got-before, n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	termAt := time.Now()
	srv := s.st.Server
	if err := srv.Signal(syscall.SIGTERM); err != nil {
		return cy, err
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Err() }()
	if n > 0 {
		time.Sleep(200 * time.Millisecond)
		cy.refused = s.generate("pedido durante o desligamento")
	}
	select {
	case err := <-exited:
		if err != nil {
			return cy, fmt.Errorf("server exit: %w\n%s", err, srv.Log())
		}
	case <-time.After(90 * time.Second):
		return cy, errors.New("server did not stop within 90s")
	}
	exitAt := time.Now()
	cy.drain = exitAt.Sub(termAt)
	for range n {
		if g := <-results; g.err == nil && g.status == 200 && strings.Contains(g.body, `"status":"ready"`) {
			cy.completed++
		} else {
			fmt.Fprintf(os.Stderr, "generation in flight during SIGTERM: %d %v %.300s\n", g.status, g.err, g.body)
		}
	}
	if n > 0 {
		if err := s.fakeLatency(0); err != nil {
			return cy, err
		}
	}
	time.Sleep(s.c.restartSec)
	if err := s.st.StartServer(context.Background()); err != nil {
		return cy, err
	}
	cy.gap = time.Since(exitAt)
	return cy, nil
}

func (s *bench) generate(brief string) generation {
	req, err := http.NewRequest("POST", s.base+"/api/rekan/businesses/"+s.business+"/posts:generate",
		strings.NewReader(fmt.Sprintf(`{"brief":%q,"count":1}`, brief)))
	if err != nil {
		return generation{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", s.token)
	res, err := client.Do(req)
	if err != nil {
		return generation{err: err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return generation{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), body: string(raw), err: err}
}

func (s *bench) fakeLatency(d time.Duration) error {
	status, body, err := call(s.fakeURL, "POST", "/_fake/latency", "", fmt.Sprintf(`{"ms":%d}`, d.Milliseconds()))
	if err == nil && status != 200 {
		err = fmt.Errorf("fakellm latency: %d %s", status, body)
	}
	return err
}

func (s *bench) fakeRequests() (int, error) {
	status, body, err := call(s.fakeURL, "GET", "/_fake/requests", "", "")
	if err != nil {
		return 0, err
	}
	if status != 200 {
		return 0, fmt.Errorf("fakellm requests: %d %s", status, body)
	}
	var list []json.RawMessage
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		return 0, fmt.Errorf("fakellm requests: %w", err)
	}
	return len(list), nil
}

// --- read load -------------------------------------------------------------

type reads struct {
	total, failed int64
	longest       time.Duration
	firstFailures []string
}

type loadRun struct {
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	r    reads
}

// startLoad runs the reads the web app issues (a page of the post history,
// the business list, the instance config) as fast as workers allow.
func (s *bench) startLoad() *loadRun {
	l := &loadRun{done: make(chan struct{})}
	paths := []string{
		"/api/collections/posts/records?page=1&perPage=10&sort=-created,-id&filter=" + urlEscape("business='"+s.business+"'"),
		"/api/collections/businesses/records?page=1&perPage=1000&sort=name&skipTotal=1",
		"/api/rekan/config",
	}
	var seq atomic.Int64
	for range s.c.workers {
		l.wg.Go(func() {
			for {
				select {
				case <-l.done:
					return
				default:
				}
				path := paths[seq.Add(1)%int64(len(paths))]
				start := time.Now()
				status, body, err := call(s.base, "GET", path, s.token, "")
				took := time.Since(start)
				l.mu.Lock()
				l.r.total++
				if took > l.r.longest {
					l.r.longest = took
				}
				if err != nil || status != 200 {
					l.r.failed++
					if len(l.r.firstFailures) < 5 {
						l.r.firstFailures = append(l.r.firstFailures, fmt.Sprintf("GET %s: %d %v %.200s", path, status, err, body))
					}
				}
				l.mu.Unlock()
			}
		})
	}
	return l
}

func (l *loadRun) stop() reads {
	close(l.done)
	l.wg.Wait()
	return l.r
}

// --- report ----------------------------------------------------------------

func report(c config, r reads, cycles []cycle) bool {
	ok := true
	fmt.Printf("Rekan restart benchmark: %d read clients through Caddy (the module's site block), %d restarts (SIGTERM, RestartSec %s, start)\n",
		c.workers, len(cycles), c.restartSec)
	fmt.Printf("%-56s %10s %10s\n", "figure", "measured", "target")
	fmt.Printf("%-56s %10d %10d\n", "failed requests during the restarts", r.failed, 0)
	fmt.Printf("%-56s %10d %10s\n", "requests sent", r.total, "-")
	fmt.Printf("%-56s %8.0fms %10s\n", "longest request", ms(r.longest), "-")
	if r.failed > 0 {
		ok = false
		for _, f := range r.firstFailures {
			fmt.Println("  failed:", f)
		}
	}
	for i, cy := range cycles {
		if cy.inFlight > 0 {
			fmt.Printf("%-56s %7d/%-2d %7d/%-2d\n", "generations in flight during SIGTERM completed", cy.completed, cy.inFlight, cy.inFlight, cy.inFlight)
			refusedOK := cy.refused.status == 503 && cy.refused.retryAfter != "" && strings.Contains(cy.refused.body, `"restarting"`)
			fmt.Printf("%-56s %10s %10s\n", "new generation while draining", fmt.Sprintf("%d/%s", cy.refused.status, orDash(cy.refused.retryAfter)), "503/5")
			if cy.completed < cy.inFlight || !refusedOK {
				ok = false
				if !refusedOK {
					fmt.Printf("  new generation while draining answered: %d %v %.300s\n", cy.refused.status, cy.refused.err, cy.refused.body)
				}
			}
		}
		fmt.Printf("  restart %d: SIGTERM to exit %.0f ms (drain included), exit to listening %.0f ms\n", i+1, ms(cy.drain), ms(cy.gap))
	}
	return ok
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// --- HTTP helpers ----------------------------------------------------------

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 2 * time.Minute}

// setup lifts the rate limits for loopback (every client comes from
// 127.0.0.1 here, so the 300 requests per 10 s of /api/ would be what gets
// measured), logs in and creates a business.
func (s *bench) setup() error {
	ctx := context.Background()
	su, err := s.st.Root(ctx)
	if err != nil {
		return err
	}
	if _, err := su.Do(ctx, "PATCH", "/api/settings", map[string]any{"rateLimits": map[string]any{"excludedIPs": []string{"127.0.0.1"}}}, nil); err != nil {
		return fmt.Errorf("lift the rate limits for loopback: %w", err)
	}
	op, owner, err := s.st.Operator(ctx, 0)
	if err != nil {
		return err
	}
	s.token = op.Token
	var biz struct{ ID string }
	if _, err := op.Do(ctx, "POST", "/api/collections/businesses/records",
		map[string]string{"owner": owner, "name": "Confeitaria Bench", "segment": "confeitaria", "city": "São Paulo", "state": "SP"}, &biz); err != nil {
		return fmt.Errorf("create business: %w", err)
	}
	s.business = biz.ID
	return nil
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, r := range []byte(s) {
		if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') || r == '-' || r == '_' {
			b.WriteByte(r)
		} else {
			fmt.Fprintf(&b, "%%%02X", r)
		}
	}
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// call is stack.Call on this benchmark's client, path relative to base.
func call(base, method, path, token, body string) (int, string, error) {
	status, _, raw, err := stack.Call(context.Background(), client, method, base+path, token, body)
	return status, raw, err
}
