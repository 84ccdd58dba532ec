// Package durability drives the real server binary through a crash run:
// concurrent writers, optionally a backup and the admin command while they
// write, then SIGKILL, a restart, and every acknowledged write looked up.
// The api tests assert on its Result; bench/durability prints it.
//
// It only speaks HTTP and runs the binary, so it needs nothing of the
// server's code and cannot share a database handle with it by accident.
package durability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Superuser and Operator are the accounts a run creates.
const (
	SuperuserEmail = "root@example.com"
	OperatorEmail  = "alice@example.com"
	Password       = "a-long-password"
)

// Config describes one crash run.
type Config struct {
	// Binary is the server (bin/api).
	Binary string
	// DataDir is an empty directory for the instance.
	DataDir string
	// Writers write concurrently, each to its own businesses.
	Writers int
	// Before and After are how long the writers run before the backup and
	// admin command, and between them and the kill.
	Before, After time.Duration
	// Backup takes a backup through POST /api/backups mid-run.
	Backup bool
	// AdminCommands is how many times `operator list` runs against the live
	// data directory mid-run (after the backup when both are set), spaced
	// over After.
	AdminCommands int
	// Env is the server's and the admin command's environment.
	Env []string
}

// ProbeTimeout bounds the probe write: well beyond PocketBase's 10 s
// SQLite busy timeout, so a write that is only slow still succeeds.
const ProbeTimeout = 30 * time.Second

// Result is what a run observed.
type Result struct {
	// Creates and Updates are the writes acknowledged with a 2xx.
	Creates, Updates int
	// LostCreates are acknowledged creates missing after the restart;
	// LostUpdates are acknowledged updates whose value went back.
	LostCreates, LostUpdates int
	// AdminOutput is what the last admin command printed (stdout and stderr).
	AdminOutput string
	// AdminExit is the highest exit code of the admin commands (-1 when none ran).
	AdminExit int
	// BackupTime is how long POST /api/backups took.
	BackupTime time.Duration
	// ProbeErr is the error of a single write made after the admin
	// commands, before the kill (nil when it was acknowledged).
	ProbeErr error
	// AckedAfterAdmin counts the writes acknowledged after the first admin
	// command: the ones an outside process that drops the WAL would lose.
	AckedAfterAdmin int
}

// Acked is every acknowledged write.
func (r Result) Acked() int { return r.Creates + r.Updates }

// Lost is every acknowledged write that did not survive.
func (r Result) Lost() int { return r.LostCreates + r.LostUpdates }

// Server is a running `api serve`.
type Server struct {
	Base string
	cmd  *exec.Cmd
	Logs *bytes.Buffer
	mu   *sync.Mutex
}

// Log returns what the server printed so far.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Logs.String()
}

// Kill sends SIGKILL and reaps the process.
func (s *Server) Kill() {
	if s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Kill()
		_, _ = s.cmd.Process.Wait()
	}
}

// Stop sends SIGTERM and waits.
func (s *Server) Stop() {
	if s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		_, _ = s.cmd.Process.Wait()
	}
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// FreePort returns a loopback port nobody listens on right now.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start runs `api serve` on a free loopback port and waits until
// PocketBase's /api/health answers.
func Start(binary, dataDir string, env []string) (*Server, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary, "serve", "--http", "127.0.0.1:"+strconv.Itoa(port), "--dir", dataDir)
	cmd.Dir = dataDir
	cmd.Env = env
	s := &Server{Base: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, Logs: &bytes.Buffer{}, mu: &sync.Mutex{}}
	cmd.Stdout = lockedWriter{s.mu, s.Logs}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if err := s.WaitHealthy(30 * time.Second); err != nil {
		s.Kill()
		return nil, err
	}
	return s, nil
}

// WaitHealthy polls /api/health until it answers 200.
func (s *Server) WaitHealthy(within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		res, err := http.Get(s.Base + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("server at %s never became healthy; logs:\n%s", s.Base, s.Log())
}

// CLI runs the binary with args against dataDir and returns its exit code
// and combined output.
func CLI(binary, dataDir string, env []string, args ...string) (int, string, error) {
	return CLIWithStdin(binary, dataDir, env, "", args...)
}

// CLIWithStdin is CLI with stdin.
func CLIWithStdin(binary, dataDir string, env []string, stdin string, args ...string) (int, string, error) {
	// The data dir is also the working directory (no stray .env above it).
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return -1, "", err
	}
	cmd := exec.Command(binary, append(args, "--dir", dataDir)...)
	cmd.Dir = dataDir
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), string(out), nil
	}
	if err != nil {
		return -1, string(out), fmt.Errorf("run %v: %w", args, err)
	}
	return 0, string(out), nil
}

// Client calls a server's HTTP API as one account.
type Client struct {
	Base  string
	Token string
	HTTP  *http.Client
}

// Do sends a JSON request and decodes a JSON answer into out (when not nil).
// It returns the status; a transport error is an error.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) (int, error) {
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, reader)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", c.Token)
	}
	httpClient := c.HTTP
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	res, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if out != nil && res.StatusCode/100 == 2 && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return res.StatusCode, fmt.Errorf("decode %s %s: %w", method, path, err)
		}
	}
	if res.StatusCode/100 != 2 {
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, bytes.TrimSpace(raw))
	}
	return res.StatusCode, nil
}

// Login authenticates an account of collection and returns a client for it
// and the account's record id.
func Login(base, collection, email, password string) (*Client, string, error) {
	var auth struct {
		Token  string `json:"token"`
		Record struct {
			ID string `json:"id"`
		} `json:"record"`
	}
	c := &Client{Base: base}
	_, err := c.Do(context.Background(), "POST", "/api/collections/"+collection+"/auth-with-password",
		map[string]string{"identity": email, "password": password}, &auth)
	if err != nil {
		return nil, "", err
	}
	c.Token = auth.Token
	return c, auth.Record.ID, nil
}

// Prepare creates the superuser and the operator with the admin command
// while no server runs.
func Prepare(binary, dataDir string, env []string) error {
	for _, args := range [][]string{
		{"superuser", "upsert", SuperuserEmail, Password},
		{"operator", "add", OperatorEmail, Password},
	} {
		code, out, err := CLI(binary, dataDir, env, args...)
		if err != nil {
			return err
		}
		if code != 0 {
			return fmt.Errorf("%v: exit %d: %s", args, code, out)
		}
	}
	return nil
}

// Business is the body of a business the writers create.
func Business(owner, name string) map[string]any {
	return map[string]any{
		"owner": owner, "name": name, "segment": "confeitaria",
		"city": "Fortaleza", "state": "CE", "phone": "85999998888",
	}
}

// acked is what one writer got a 2xx for: business id -> last name.
type acked struct {
	names            map[string]string
	creates, updates int
}

// write creates a business, then renames it a few times, until ctx ends.
// Each writer owns its businesses, so its last acknowledged name is the
// one the database must hold.
func write(ctx context.Context, c *Client, owner string, writer int, afterAdmin *atomic.Bool, ackedAfter *atomic.Int64) acked {
	a := acked{names: map[string]string{}}
	for seq := 0; ctx.Err() == nil; seq++ {
		name := fmt.Sprintf("w%d-%d", writer, seq)
		var rec struct {
			ID string `json:"id"`
		}
		if _, err := c.Do(ctx, "POST", "/api/collections/businesses/records", Business(owner, name), &rec); err != nil {
			continue
		}
		a.names[rec.ID] = name
		a.creates++
		if afterAdmin.Load() {
			ackedAfter.Add(1)
		}
		for u := 0; u < 3 && ctx.Err() == nil; u++ {
			seq++
			renamed := fmt.Sprintf("w%d-%d", writer, seq)
			if _, err := c.Do(ctx, "PATCH", "/api/collections/businesses/records/"+rec.ID, map[string]any{"name": renamed}, nil); err != nil {
				break
			}
			a.names[rec.ID] = renamed
			a.updates++
			if afterAdmin.Load() {
				ackedAfter.Add(1)
			}
		}
	}
	return a
}

// Run performs one crash run.
func Run(cfg Config) (Result, error) {
	res := Result{AdminExit: -1}
	if err := Prepare(cfg.Binary, cfg.DataDir, cfg.Env); err != nil {
		return res, fmt.Errorf("prepare: %w", err)
	}
	srv, err := Start(cfg.Binary, cfg.DataDir, cfg.Env)
	if err != nil {
		return res, err
	}
	defer srv.Kill()
	root, _, err := Login(srv.Base, "_superusers", SuperuserEmail, Password)
	if err != nil {
		return res, fmt.Errorf("superuser login: %w", err)
	}
	_, owner, err := Login(srv.Base, "users", OperatorEmail, Password)
	if err != nil {
		return res, fmt.Errorf("operator login: %w", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	results := make([]acked, cfg.Writers)
	var afterAdmin atomic.Bool
	var ackedAfter atomic.Int64
	var wg sync.WaitGroup
	for i := range cfg.Writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Own transport per writer: a killed server must not leave one
			// writer waiting on another's connection.
			results[i] = write(ctx, &Client{Base: root.Base, Token: root.Token, HTTP: &http.Client{Transport: &http.Transport{}}}, owner, i, &afterAdmin, &ackedAfter)
		}()
	}

	time.Sleep(cfg.Before)
	if cfg.Backup {
		started := time.Now()
		if _, err := root.Do(context.Background(), "POST", "/api/backups", map[string]string{}, nil); err != nil {
			cancel()
			wg.Wait()
			return res, fmt.Errorf("backup: %w", err)
		}
		res.BackupTime = time.Since(started)
	}
	gap := cfg.After / time.Duration(cfg.AdminCommands+1)
	for range cfg.AdminCommands {
		afterAdmin.Store(true)
		code, out, err := CLI(cfg.Binary, cfg.DataDir, cfg.Env, "operator", "list")
		if err != nil {
			cancel()
			wg.Wait()
			return res, err
		}
		res.AdminExit, res.AdminOutput = max(res.AdminExit, code), out
		time.Sleep(gap)
	}
	time.Sleep(gap)

	// One more write, on its own, after the admin commands: a server that
	// stopped taking writes (rather than losing them) fails here.
	probeCtx, probeCancel := context.WithTimeout(context.Background(), ProbeTimeout)
	var probe struct {
		ID string `json:"id"`
	}
	_, res.ProbeErr = root.Do(probeCtx, "POST", "/api/collections/businesses/records", Business(owner, "probe-0"), &probe)
	probeCancel()
	if res.ProbeErr == nil {
		results = append(results, acked{names: map[string]string{probe.ID: "probe-0"}, creates: 1})
	}

	srv.Kill()
	cancel()
	wg.Wait()
	res.AckedAfterAdmin = int(ackedAfter.Load())

	srv, err = Start(cfg.Binary, cfg.DataDir, cfg.Env)
	if err != nil {
		return res, fmt.Errorf("restart: %w", err)
	}
	defer srv.Stop()
	root.Base = srv.Base
	stored, err := names(root)
	if err != nil {
		return res, err
	}
	for _, a := range results {
		res.Creates += a.creates
		res.Updates += a.updates
		for id, want := range a.names {
			got, ok := stored[id]
			switch {
			case !ok:
				res.LostCreates++
			case seqOf(got) < seqOf(want):
				res.LostUpdates++
			}
		}
	}
	return res, nil
}

// names lists every business (id -> name) through the records API.
func names(c *Client) (map[string]string, error) {
	out := map[string]string{}
	for page := 1; ; page++ {
		var list struct {
			Items []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"items"`
		}
		q := url.Values{"page": {strconv.Itoa(page)}, "perPage": {"500"}, "skipTotal": {"1"}, "fields": {"id,name"}}
		if _, err := c.Do(context.Background(), "GET", "/api/collections/businesses/records?"+q.Encode(), nil, &list); err != nil {
			return nil, fmt.Errorf("list businesses: %w", err)
		}
		for _, it := range list.Items {
			out[it.ID] = it.Name
		}
		if len(list.Items) < 500 {
			return out, nil
		}
	}
}

// seqOf reads the sequence number of a "w<writer>-<seq>" name.
func seqOf(name string) int {
	n, err := strconv.Atoi(name[strings.LastIndexByte(name, '-')+1:])
	if err != nil {
		return -1
	}
	return n
}

// Env is a minimal environment for the binary: PATH, no BAML runtime (the
// crash run needs none and starts faster without it), plus extra.
func Env(extra ...string) []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"REKAN_BAML_CLI=" + filepath.Join(os.TempDir(), "rekan-no-baml-cli"),
	}, extra...)
}
