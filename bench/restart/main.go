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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rekan/rekan/bench/internal/harness"
	"github.com/rekan/rekan/eval/fakellm"
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

type stack struct {
	c               config
	dir, data, work string
	apiPort         int
	fakeURL, base   string
	env             []string
	server          *exec.Cmd
	serverLog       *bytes.Buffer
	procs           []*exec.Cmd
	fake            *fakellm.Process
	token, business string
}

func run(c config) (bool, error) {
	s := &stack{c: c}
	var err error
	if s.dir, err = os.MkdirTemp("", "rekan-bench-restart-"); err != nil {
		return false, err
	}
	defer os.RemoveAll(s.dir)
	defer s.stopAll()
	s.data = filepath.Join(s.dir, "data")
	s.work = filepath.Join(s.dir, "work")
	if err := os.MkdirAll(s.work, 0o755); err != nil {
		return false, err
	}
	for _, p := range []*string{&c.api, &c.fakellm, &c.caddy} {
		if *p, err = exec.LookPath(*p); err != nil {
			return false, err
		}
		if *p, err = filepath.Abs(*p); err != nil {
			return false, err
		}
	}
	s.c = c

	if s.fake, err = fakellm.StartProcess(context.Background(), exec.Command(c.fakellm)); err != nil {
		return false, err
	}
	s.fakeURL = s.fake.URL
	if s.apiPort, err = harness.FreePort(); err != nil {
		return false, err
	}
	s.env = []string{
		"PATH=" + os.Getenv("PATH"),
		"REKAN_BAML_CLI=" + os.Getenv("REKAN_BAML_CLI"),
		"REKAN_LLM_BASE_URL=" + s.fakeURL + "/v1",
		"REKAN_LLM_API_KEY=bench-key",
		"REKAN_WRITER_MODEL=bench-writer",
		"REKAN_TRUSTED_PROXY_HEADERS=X-Forwarded-For",
	}
	if err := s.cli("operator", "add", "bench@example.com", "bench-password-1"); err != nil {
		return false, err
	}
	if err := s.cli("superuser", "upsert", "root@example.com", "root-password-1"); err != nil {
		return false, err
	}
	if err := s.startServer(); err != nil {
		return false, err
	}
	if s.base, err = s.startCaddy(); err != nil {
		return false, err
	}
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

// --- processes -------------------------------------------------------------

func (s *stack) cli(args ...string) error {
	cmd := exec.Command(s.c.api, append(args, "--dir", s.data)...)
	cmd.Dir, cmd.Env = s.work, s.env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("api %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

// startServer starts `api serve` on the fixed upstream port and waits until
// it accepts connections (not until healthy: Caddy only needs the listener).
func (s *stack) startServer() error {
	cmd := exec.Command(s.c.api, "serve", "--http", "127.0.0.1:"+strconv.Itoa(s.apiPort), "--dir", s.data)
	cmd.Dir, cmd.Env = s.work, s.env
	s.serverLog = &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = s.serverLog, s.serverLog
	if err := cmd.Start(); err != nil {
		return err
	}
	s.server = cmd
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(s.apiPort), time.Second); err == nil {
			conn.Close()
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("server did not listen within 30s:\n%s", s.serverLog.String())
}

func (s *stack) startCaddy() (string, error) {
	site, err := os.ReadFile(s.c.site)
	if err != nil {
		return "", err
	}
	port, err := harness.FreePort()
	if err != nil {
		return "", err
	}
	body := strings.ReplaceAll(string(site), "@UPSTREAM@", "127.0.0.1:"+strconv.Itoa(s.apiPort))
	caddyfile := fmt.Sprintf("{\n\tadmin off\n\tauto_https off\n\tpersist_config off\n}\nhttp://127.0.0.1:%d {\n\tbind 127.0.0.1\n%s\n}\n", port, body)
	path := filepath.Join(s.dir, "Caddyfile")
	if err := os.WriteFile(path, []byte(caddyfile), 0o644); err != nil {
		return "", err
	}
	cmd := exec.Command(s.c.caddy, "run", "--adapter", "caddyfile", "--config", path)
	home := filepath.Join(s.dir, "caddy-home")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_DATA_HOME=" + home}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start caddy: %w", err)
	}
	s.procs = append(s.procs, cmd)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if status, _, err := harness.Call(context.Background(), client, base, "GET", "/api/rekan/config", "", ""); err == nil && status == 200 {
			return base, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", fmt.Errorf("caddy did not answer within 30s:\n%s", logs.String())
}

func (s *stack) stopAll() {
	stopProcess(s.server)
	for i := len(s.procs) - 1; i >= 0; i-- {
		stopProcess(s.procs[i])
	}
	if s.fake != nil {
		s.fake.Stop()
	}
}

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
func (s *stack) restart(n int) (cycle, error) {
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
	if err := s.server.Process.Signal(syscall.SIGTERM); err != nil {
		return cy, err
	}
	exited := make(chan error, 1)
	go func() { exited <- s.server.Wait() }()
	if n > 0 {
		time.Sleep(200 * time.Millisecond)
		cy.refused = s.generate("pedido durante o desligamento")
	}
	select {
	case err := <-exited:
		if err != nil {
			return cy, fmt.Errorf("server exit: %w\n%s", err, s.serverLog.String())
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
	if err := s.startServer(); err != nil {
		return cy, err
	}
	cy.gap = time.Since(exitAt)
	return cy, nil
}

func (s *stack) generate(brief string) generation {
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

func (s *stack) fakeLatency(d time.Duration) error {
	status, body, err := harness.Call(context.Background(), client, s.fakeURL, "POST", "/_fake/latency", "", fmt.Sprintf(`{"ms":%d}`, d.Milliseconds()))
	if err == nil && status != 200 {
		err = fmt.Errorf("fakellm latency: %d %s", status, body)
	}
	return err
}

func (s *stack) fakeRequests() (int, error) {
	status, body, err := harness.Call(context.Background(), client, s.fakeURL, "GET", "/_fake/requests", "", "")
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
func (s *stack) startLoad() *loadRun {
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
				status, body, err := harness.Call(context.Background(), client, s.base, "GET", path, s.token, "")
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
func (s *stack) setup() error {
	status, body, err := harness.Call(context.Background(), client, s.base, "POST", "/api/collections/_superusers/auth-with-password", "",
		`{"identity":"root@example.com","password":"root-password-1"}`)
	if err != nil || status != 200 {
		return fmt.Errorf("superuser login: %d %v %s", status, err, body)
	}
	var su struct{ Token string }
	if err := json.Unmarshal([]byte(body), &su); err != nil {
		return err
	}
	status, body, err = harness.Call(context.Background(), client, s.base, "PATCH", "/api/settings", su.Token, `{"rateLimits":{"excludedIPs":["127.0.0.1"]}}`)
	if err != nil || status != 200 {
		return fmt.Errorf("lift the rate limits for loopback: %d %v %s", status, err, body)
	}
	status, body, err = harness.Call(context.Background(), client, s.base, "POST", "/api/collections/users/auth-with-password", "",
		`{"identity":"bench@example.com","password":"bench-password-1"}`)
	if err != nil || status != 200 {
		return fmt.Errorf("login: %d %v %s", status, err, body)
	}
	var login struct {
		Token  string
		Record struct{ ID string }
	}
	if err := json.Unmarshal([]byte(body), &login); err != nil {
		return err
	}
	s.token = login.Token
	status, body, err = harness.Call(context.Background(), client, s.base, "POST", "/api/collections/businesses/records", s.token,
		`{"owner":"`+login.Record.ID+`","name":"Confeitaria Bench","segment":"confeitaria","city":"São Paulo","state":"SP"}`)
	if err != nil || status != 200 {
		return fmt.Errorf("create business: %d %v %s", status, err, body)
	}
	var biz struct{ ID string }
	if err := json.Unmarshal([]byte(body), &biz); err != nil {
		return err
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

// stopProcess gives a child 15 seconds to finish.
func stopProcess(cmd *exec.Cmd) { harness.Stop(cmd, syscall.SIGTERM, 15*time.Second) }
