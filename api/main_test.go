package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/eval/bamlrt"
	"github.com/rekan/rekan/eval/fakellm"
	"github.com/rekan/rekan/eval/stack"
)

// These tests run the real binary, the way `make run` and the NixOS module
// do: build it, drive its CLI, serve it and talk HTTP to it.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rekan-api-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "api")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=test-build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build api:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs a command of the binary (operator, migrate…, never serve:
// stack starts servers), killed after 30 s.
func runCLI(t *testing.T, dataDir, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append(args, "--dir", dataDir)...)
	cmd.Dir = t.TempDir()
	cmd.Env = stack.Env()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{code, out.String(), errOut.String()}
}

func TestOperatorCommand(t *testing.T) {
	data := t.TempDir()
	steps := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"list on a fresh data dir", "", []string{"operator", "list"}, 0, "no operators yet", ""},
		{"short password", "", []string{"operator", "add", "alice@example.com", "short"}, 1, "", "at least 8 characters"},
		{"bad email", "", []string{"operator", "add", "not-an-email", "a-long-password"}, 1, "", `invalid email "not-an-email"`},
		{"missing argument", "", []string{"operator", "add", "alice@example.com"}, 1, "", "expected 2 argument(s), got 1"},
		{"add", "", []string{"operator", "add", "Alice@Example.com", "a-long-password"}, 0, "operator alice@example.com created", ""},
		{"add twice", "", []string{"operator", "add", "alice@example.com", "another-password"}, 1, "", "already exists"},
		{"add with the password on stdin", "bob-password-123\n", []string{"operator", "add", "bob@example.com", "-"}, 0, "operator bob@example.com created", ""},
		{"list", "", []string{"operator", "list"}, 0, "alice@example.com\nbob@example.com\n", ""},
		{"passwd from stdin", "new-long-password\n", []string{"operator", "passwd", "alice@example.com", "-"}, 0, "password of alice@example.com changed", ""},
		{"passwd unknown", "", []string{"operator", "passwd", "nobody@example.com", "a-long-password"}, 1, "", "no operator with email nobody@example.com"},
		{"remove", "", []string{"operator", "remove", "bob@example.com"}, 0, "operator bob@example.com removed", ""},
		{"remove again", "", []string{"operator", "remove", "bob@example.com"}, 1, "", "no operator with email bob@example.com"},
		{"list after remove", "", []string{"operator", "list"}, 0, "alice@example.com\n", ""},
	}
	for _, s := range steps {
		r := runCLI(t, data, s.stdin, s.args...)
		if r.code != s.code || !strings.Contains(r.stdout, s.stdout) || !strings.Contains(r.stderr, s.stderr) {
			t.Errorf("%s: exit %d stdout %q stderr %q; want exit %d, stdout ~%q, stderr ~%q",
				s.name, r.code, r.stdout, r.stderr, s.code, s.stdout, s.stderr)
		}
		if s.name == "list after remove" && strings.Contains(r.stdout, "bob") {
			t.Errorf("bob still listed: %q", r.stdout)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	out, err := exec.Command(binary, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "test-build") {
		t.Errorf("--version: %v %s", err, out)
	}
}

// server is a running `api serve` of the binary under test.
type server struct {
	*stack.Server
	base string
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// startServer runs `api serve` from workDir with env and waits for a healthy
// /api/rekan/health.
func startServer(t *testing.T, workDir, dataDir string, env []string) *server {
	t.Helper()
	return startServerUntil(t, workDir, dataDir, env, stack.Healthy)
}

// startServerUntil waits until ready answers 200; the test's end stops the
// server's whole process tree.
func startServerUntil(t *testing.T, workDir, dataDir string, env []string, ready stack.Ready) *server {
	t.Helper()
	s, err := stack.StartServer(context.Background(), stack.ServerConfig{
		Binary: binary, DataDir: dataDir, WorkDir: workDir, Env: stack.Env(env...), Ready: ready,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop(5 * time.Second) })
	return &server{Server: s, base: s.Base}
}

func (s *server) call(t *testing.T, method, path, token, body string) (int, http.Header, string) {
	t.Helper()
	return testutil.Call(t, context.Background(), method, s.base+path, token, body)
}

func waitGone(t *testing.T, pids []int, within time.Duration) {
	t.Helper()
	if left := stack.WaitGone(pids, within); len(left) > 0 {
		t.Errorf("processes %v outlived the server", left)
	}
}

func requireCLI(t *testing.T) string {
	t.Helper()
	cli, err := bamlrt.FindCLI(os.Getenv)
	if err != nil {
		// A test that cannot run fails: `make test` installs baml-cli first.
		t.Fatalf("baml-cli is required (run make deps): %v", err)
	}
	return cli
}

// dataWithAlice is a fresh data directory with the operator
// alice@example.com (password a-long-password), added through the CLI.
func dataWithAlice(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	if r := runCLI(t, data, "", "operator", "add", "alice@example.com", "a-long-password"); r.code != 0 {
		t.Fatalf("operator add: %+v", r)
	}
	return data
}

func TestServeEndToEnd(t *testing.T) {
	cli := requireCLI(t)
	fake := httptest.NewServer(fakellm.New())
	defer fake.Close()

	data := dataWithAlice(t)

	work := t.TempDir()
	web := filepath.Join(work, "web", "build")
	writeFile(t, filepath.Join(web, "index.html"), "<html>landing</html>")
	writeFile(t, filepath.Join(web, "200.html"), "<html>spa</html>")
	writeFile(t, filepath.Join(web, "termos.html"), "<html>termos</html>")
	writeFile(t, filepath.Join(web, "_app", "immutable", "app.js"), "console.log(1)")
	writeFile(t, filepath.Join(web, "robots.txt"), "User-agent: *")
	// .env fills what the environment leaves unset and never overrides it.
	writeFile(t, filepath.Join(work, ".env"), "REKAN_APP_NAME=FromDotenv\nREKAN_CONTACT_PHONE=5585999998888\n")

	s := startServer(t, work, data, append([]string{
		"REKAN_APP_NAME=Rekan Teste",
		"REKAN_BAML_CLI=" + cli,
		"REKAN_TRUSTED_PROXY_HEADERS=X-Forwarded-For",
	}, stack.FakeEnv(fake.URL)...))

	status, _, body := s.call(t, "GET", "/api/rekan/health", "", "")
	if status != 200 || body != `{"status":"ok","database":"ok","baml_runtime":"ok","llm_configured":true}` {
		t.Errorf("health: %d %s", status, body)
	}
	status, _, body = s.call(t, "GET", "/api/rekan/config", "", "")
	if status != 200 || !strings.HasPrefix(body, `{"app_name":"Rekan Teste","llm_configured":true,"contact_phone":"5585999998888","version":"test-build","timezone":"America/Sao_Paulo","today":"`) {
		t.Errorf("config: %d %s", status, body)
	}

	// The README path: log in, create a business, generate.
	token, userID := s.login(t, "alice@example.com", "a-long-password")
	status, _, body = s.call(t, "POST", "/api/collections/businesses/records", token,
		`{"owner":"`+userID+`","name":"Doceria Raiz","segment":"doceria","city":"Belo Horizonte","state":"mg","phone":"(31) 99876-5432"}`)
	var biz struct {
		ID    string `json:"id"`
		Phone string `json:"phone"`
	}
	if err := json.Unmarshal([]byte(body), &biz); status != 200 || err != nil || biz.Phone != "5531998765432" {
		t.Fatalf("create business: %d %s", status, body)
	}
	status, _, body = s.call(t, "POST", "/api/rekan/businesses/"+biz.ID+"/posts:generate", token, `{"brief":"bolo de cenoura com calda","count":3}`)
	var gen struct {
		Posts []struct {
			Caption, ProductionNote, Status string
			Hashtags                        []string
			Checks                          []map[string]any
		} `json:"posts"`
	}
	if err := json.Unmarshal([]byte(body), &gen); status != 200 || err != nil || len(gen.Posts) != 3 {
		t.Fatalf("generate: %d %s", status, body)
	}
	for _, p := range gen.Posts {
		if p.Status != "ready" || p.Caption == "" || len(p.Hashtags) == 0 || len(p.Checks) == 0 {
			t.Errorf("post: %+v", p)
		}
	}

	// The web build, served like Caddy would.
	webCases := []struct {
		path, body, cache string
		status            int
	}{
		{"/", "landing", "no-cache", 200},
		{"/termos", "termos", "no-cache", 200},
		{"/app/negocios/abc", "spa", "no-cache", 200},
		{"/_app/immutable/app.js", "console.log(1)", "public, max-age=31536000, immutable", 200},
		{"/robots.txt", "User-agent", "", 200},
		{"/_app/immutable/missing.js", "", "", 404},
		{"/missing.png", "", "", 404},
	}
	for _, c := range webCases {
		status, header, body := s.call(t, "GET", c.path, "", "")
		if status != c.status || !strings.Contains(body, c.body) || header.Get("Cache-Control") != c.cache {
			t.Errorf("GET %s: %d cache %q body %.60q", c.path, status, header.Get("Cache-Control"), body)
		}
	}
	if status, _, body := s.call(t, "GET", "/api/nope", "", ""); status != 404 || !strings.Contains(body, `"status":404`) {
		t.Errorf("/api/nope: %d %s", status, body)
	}
	if status, _, body := s.call(t, "GET", "/_/", "", ""); status != 200 || !strings.Contains(body, "PocketBase") {
		t.Errorf("/_/: %d %.80s", status, body)
	}

	// SIGTERM stops the server and the BAML runtime with it.
	kids := stack.Children(s.Pid())
	if len(kids) == 0 {
		t.Fatal("no BAML runtime child found")
	}
	_ = s.Signal(syscall.SIGTERM)
	select {
	case <-s.Exited():
	case <-time.After(15 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}
	waitGone(t, kids, 10*time.Second)
}

func TestServeWithoutBAMLOrKey(t *testing.T) {
	data := t.TempDir()
	work := t.TempDir()
	// PocketBase's own health answers while Rekan's reports the missing runtime.
	s := startServerUntil(t, work, data, []string{"REKAN_BAML_CLI=" + filepath.Join(work, "no-such-baml-cli")}, stack.Listening)
	status, _, body := s.call(t, "GET", "/api/rekan/health", "", "")
	if status != 503 || !strings.Contains(body, `"status":"degraded"`) || !strings.Contains(body, `"baml_runtime":"error"`) || !strings.Contains(body, `"llm_configured":false`) {
		t.Errorf("health: %d %s", status, body)
	}
	status, _, body = s.call(t, "GET", "/api/rekan/config", "", "")
	if status != 200 || !strings.Contains(body, `"app_name":"Rekan"`) || !strings.Contains(body, `"llm_configured":false`) {
		t.Errorf("config: %d %s", status, body)
	}
}

func TestEndToEndRuntimeDiesWithAKilledServer(t *testing.T) {
	cli := requireCLI(t)
	s := startServer(t, t.TempDir(), t.TempDir(), []string{"REKAN_BAML_CLI=" + cli})
	kids := stack.Children(s.Pid())
	if len(kids) == 0 {
		t.Fatal("no BAML runtime child found")
	}
	s.Kill()
	waitGone(t, kids, 10*time.Second)
}

// login authenticates an operator; it returns the token and the user id.
func (s *server) login(t *testing.T, email, password string) (token, userID string) {
	t.Helper()
	status, _, body := s.call(t, "POST", "/api/collections/users/auth-with-password", "",
		fmt.Sprintf(`{"identity":%q,"password":%q}`, email, password))
	var login struct {
		Token  string `json:"token"`
		Record struct {
			ID string `json:"id"`
		} `json:"record"`
	}
	if err := json.Unmarshal([]byte(body), &login); status != 200 || err != nil || login.Token == "" {
		t.Fatalf("login: %d %s", status, body)
	}
	return login.Token, login.Record.ID
}

// loginWithBusiness logs in and creates a business; it returns the token and
// the business id.
func (s *server) loginWithBusiness(t *testing.T, email, password string) (token, businessID string) {
	t.Helper()
	token, userID := s.login(t, email, password)
	status, _, body := s.call(t, "POST", "/api/collections/businesses/records", token,
		`{"owner":"`+userID+`","name":"Doceria Raiz","segment":"doceria","city":"Belo Horizonte","state":"MG"}`)
	var biz struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &biz); status != 200 || err != nil || biz.ID == "" {
		t.Fatalf("create business: %d %s", status, body)
	}
	return token, biz.ID
}

type generation struct {
	status     int
	retryAfter string
	body       string
	err        error
}

// postGenerate is safe to call from any goroutine (no t.Fatal).
func postGenerate(base, token, businessID, brief string) generation {
	req, err := http.NewRequest("POST", base+"/api/rekan/businesses/"+businessID+"/posts:generate",
		strings.NewReader(fmt.Sprintf(`{"brief":%q,"count":1}`, brief)))
	if err != nil {
		return generation{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return generation{err: err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return generation{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), body: string(raw), err: err}
}

// A deploy sends SIGTERM while generations wait on the LLM: they finish and
// are stored, new ones are turned away with a 503 the UI can explain, and the
// server exits cleanly once the last one is done.
func TestEndToEndSIGTERMDrainsGenerationsInFlight(t *testing.T) {
	cli := requireCLI(t)
	fake := fakellm.New()
	fake.SetLatency(1500 * time.Millisecond)
	fakeServer := httptest.NewServer(fake)
	defer fakeServer.Close()

	data := t.TempDir()
	if r := runCLI(t, data, "", "operator", "add", "alice@example.com", "a-long-password"); r.code != 0 {
		t.Fatalf("operator add: %+v", r)
	}
	env := append([]string{"REKAN_BAML_CLI=" + cli, "REKAN_DRAIN_TIMEOUT=30s"}, stack.FakeEnv(fakeServer.URL)...)
	s := startServer(t, t.TempDir(), data, env)
	token, businessID := s.loginWithBusiness(t, "alice@example.com", "a-long-password")

	const inFlight = 4
	results := make(chan generation, inFlight)
	for i := range inFlight {
		go func() { results <- postGenerate(s.base, token, businessID, fmt.Sprintf("pedido em andamento %d", i)) }()
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(fake.Requests()) < inFlight {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d generations reached the LLM; logs:\n%s", len(fake.Requests()), inFlight, s.Log())
		}
		time.Sleep(10 * time.Millisecond)
	}

	if err := s.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- s.Err() }()

	// The signal is handled asynchronously; a request that still got in is a
	// generation like the others and must be stored too. Probes start every
	// 100 ms without waiting for each other: a probe admitted before the
	// signal was handled keeps the server up while it runs, so waiting for
	// it first could let the drain end (and the listener close) before the
	// next probe, which then sees a refused connection instead of a 503.
	const maxProbes = 8
	probes := make(chan generation, maxProbes)
	launched := 0
	var refused generation
	admitted := 0
	for launched < maxProbes && refused.status == 0 {
		time.Sleep(100 * time.Millisecond)
		launched++
		go func() { probes <- postGenerate(s.base, token, businessID, "pedido durante o desligamento") }()
		select {
		case g := <-probes:
			launched--
			switch {
			case g.err != nil:
				t.Fatalf("generation during the drain: %v", g.err)
			case g.status == 200:
				admitted++
			default:
				refused = g
			}
		case <-time.After(200 * time.Millisecond):
			// Admitted and waiting on the LLM: keep it running, probe again.
		}
	}
	// Probes still running were admitted before the drain (they must finish
	// and be stored like the first ones), or are the slow refusal.
	for range launched {
		g := <-probes
		switch {
		case g.err == nil && g.status == 200 && strings.Contains(g.body, `"status":"ready"`):
			admitted++
		case g.err == nil && g.status != 200 && refused.status == 0:
			refused = g
		default:
			t.Errorf("probe admitted before the drain: %d %v %.300s", g.status, g.err, g.body)
		}
	}
	if refused.status != 503 || refused.retryAfter == "" ||
		!strings.Contains(refused.body, "reiniciando") || !strings.Contains(refused.body, `"code":"restarting"`) {
		t.Errorf("new generation while stopping: %d Retry-After %q %s; want 503 restarting with Retry-After",
			refused.status, refused.retryAfter, refused.body)
	}
	for range inFlight {
		g := <-results
		if g.err != nil || g.status != 200 || !strings.Contains(g.body, `"status":"ready"`) {
			t.Errorf("generation in flight during SIGTERM: %d %v %.300s", g.status, g.err, g.body)
		}
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("server exit after the drain: %v; logs:\n%s", err, s.Log())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop after the drain")
	}

	// Stored, not just answered: a fresh process finds them ready (a post
	// left generating would now read failed).
	s = startServer(t, t.TempDir(), data, env)
	status, _, body := s.call(t, "GET", "/api/collections/posts/records?perPage=50&skipTotal=1", token, "")
	var list struct {
		Items []struct{ Status string } `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &list); status != 200 || err != nil {
		t.Fatalf("list posts: %d %s", status, body)
	}
	ready := 0
	for _, p := range list.Items {
		if p.Status == "ready" {
			ready++
		} else {
			t.Errorf("post stored as %q after the drain", p.Status)
		}
	}
	if ready != inFlight+admitted {
		t.Errorf("%d ready posts stored, want %d", ready, inFlight+admitted)
	}
}

// The server listens before the BAML runtime answers: health is degraded
// until then (so nothing takes it for ready), and a generation sent in that
// window waits for the runtime instead of failing.
func TestEndToEndListensBeforeTheRuntimeIsReady(t *testing.T) {
	cli := requireCLI(t)
	fake := httptest.NewServer(fakellm.New())
	defer fake.Close()
	work := t.TempDir()
	slowCLI := filepath.Join(work, "slow-baml-cli")
	writeFile(t, slowCLI, "#!/bin/sh\nsleep 3\nexec "+cli+" \"$@\"\n")
	if err := os.Chmod(slowCLI, 0o755); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	if r := runCLI(t, data, "", "operator", "add", "alice@example.com", "a-long-password"); r.code != 0 {
		t.Fatalf("operator add: %+v", r)
	}
	s := startServerUntil(t, work, data, append([]string{"REKAN_BAML_CLI=" + slowCLI}, stack.FakeEnv(fake.URL)...), stack.Listening)

	status, _, body := s.call(t, "GET", "/api/rekan/health", "", "")
	if status != 503 || !strings.Contains(body, `"status":"degraded"`) || !strings.Contains(body, `"baml_runtime":"error"`) {
		t.Errorf("health while the runtime starts: %d %s", status, body)
	}
	token, businessID := s.loginWithBusiness(t, "alice@example.com", "a-long-password")
	g := postGenerate(s.base, token, businessID, "bolo de fubá cremoso")
	if g.err != nil || g.status != 200 || !strings.Contains(g.body, `"status":"ready"`) {
		t.Errorf("generation while the runtime starts: %d %v %.300s", g.status, g.err, g.body)
	}
	status, _, body = s.call(t, "GET", "/api/rekan/health", "", "")
	if status != 200 || !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("health once the runtime answered: %d %s", status, body)
	}
}

// freePort is a free loopback port (stack.FreePort) for tests that start a
// command the stack does not model (a refused start, make run).
func freePort(t *testing.T) int {
	t.Helper()
	port, err := stack.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}
