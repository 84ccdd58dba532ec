// Package bamlrt supervises the BAML HTTP runtime (`baml-cli serve`) as a
// child process: it runs it from a private directory with no .env files
// above it, on a loopback URL with a random per-start password, with an
// explicit minimal environment, and restarts it when it dies.
package bamlrt

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Config says how to run the runtime. CLI and Source are required.
type Config struct {
	// CLI is the baml-cli executable (see FindCLI).
	CLI string
	// Source holds the .baml files at its root (bamlsrc.FS).
	Source fs.FS
	// Dir is a directory dedicated to the runtime: Start writes Dir/baml_src
	// (replacing it) and runs the child there. It must be empty or hold only
	// baml_src, and no .env file may exist in it or any parent; otherwise
	// Start logs why and uses a fresh private temporary directory instead,
	// which is also the default.
	Dir string
	// Env is added to the child's environment (provider variables, see
	// content.Provider.RuntimeEnv). RUST_BACKTRACE is dropped.
	Env []string
	// Logger receives the supervisor's events and the child's filtered output.
	Logger *slog.Logger
	// StartTimeout bounds one start (process up, port answering, password
	// accepted). Default 30s.
	StartTimeout time.Duration
	// StopTimeout is the grace between SIGTERM and SIGKILL. Default 5s.
	StopTimeout time.Duration
	// MinBackoff and MaxBackoff bound the delay before restarting a child
	// that died. Defaults 200ms and 10s.
	MinBackoff, MaxBackoff time.Duration
}

// Runtime is a supervised baml-cli serve child. Its methods are safe for
// concurrent use.
type Runtime struct {
	cfg      Config
	log      *slog.Logger
	cli      string
	dir      string
	ownsDir  bool
	password string
	output   *logWriter
	http     *http.Client

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	closeOnce sync.Once
	closeErr  error

	mu      sync.RWMutex
	port    int
	current *child
	running bool
}

type child struct {
	cmd    *exec.Cmd
	pid    int
	exited chan struct{}
	err    error // valid once exited is closed
}

// Start writes the sources, starts the child and returns once it answers
// authenticated requests. Cancelling ctx aborts the start; the Runtime then
// lives until Close.
func Start(ctx context.Context, cfg Config) (*Runtime, error) {
	if cfg.CLI == "" {
		return nil, errors.New("bamlrt: no baml-cli path configured")
	}
	if cfg.Source == nil {
		return nil, errors.New("bamlrt: no BAML source configured")
	}
	cli, err := filepath.Abs(cfg.CLI)
	if err != nil {
		return nil, fmt.Errorf("bamlrt: resolve baml-cli path: %w", err)
	}
	if err := checkExecutable(cli); err != nil {
		return nil, fmt.Errorf("bamlrt: baml-cli at %s: %w", cli, err)
	}
	applyDefaults(&cfg)

	password, err := newPassword()
	if err != nil {
		return nil, err
	}
	r := &Runtime{
		cfg:      cfg,
		log:      cfg.Logger,
		cli:      cli,
		password: password,
		output:   &logWriter{log: cfg.Logger.With("component", "baml-runtime"), secrets: secretsIn(password, cfg.Env)},
		http:     &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil}},
		done:     make(chan struct{}),
	}
	if err := r.prepareDir(); err != nil {
		return nil, err
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())

	c, port, err := r.firstStart(ctx)
	if err != nil {
		r.cancel()
		r.cleanup()
		return nil, err
	}
	r.setUp(port, c)
	r.log.Info("baml runtime started", "pid", c.pid, "url", r.BaseURL(), "dir", r.dir)
	go r.supervise(c)
	return r, nil
}

func (r *Runtime) firstStart(ctx context.Context) (*child, int, error) {
	port, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	c, err := r.startChild(ctx, port)
	return c, port, err
}

func applyDefaults(cfg *Config) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 30 * time.Second
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = 5 * time.Second
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 200 * time.Millisecond
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(10*time.Second, cfg.MinBackoff)
	}
}

// BaseURL is the loopback URL of the current child, e.g. http://127.0.0.1:40123.
// It changes when a restart has to pick another port.
func (r *Runtime) BaseURL() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return "http://127.0.0.1:" + strconv.Itoa(r.port)
}

// Password is the per-start secret every request must carry in the
// x-baml-api-key header (see Authorize).
func (r *Runtime) Password() string { return r.password }

// Authorize adds the password to req. Its signature fits the request editor
// hooks of generated clients (bamlapi.WithRequestEditorFn).
func (r *Runtime) Authorize(_ context.Context, req *http.Request) error {
	req.Header.Set("x-baml-api-key", r.password)
	return nil
}

// PID is the current child's process id, or 0 while none is running.
func (r *Runtime) PID() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if !r.running {
		return 0
	}
	return r.current.pid
}

// Running reports whether a child is up and was ready when last started.
// It is false while the supervisor restarts it and after Close.
func (r *Runtime) Running() bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.running
}

// Dir is the directory the child runs in (Dir/baml_src holds the sources).
func (r *Runtime) Dir() string { return r.dir }

// Ping makes one authenticated request to the child.
func (r *Runtime) Ping(ctx context.Context) error {
	if !r.Running() {
		return errors.New("baml runtime is not running")
	}
	return r.checkAuthenticated(ctx, r.BaseURL())
}

// Close stops the child (SIGTERM to its process group, SIGKILL after
// StopTimeout), stops supervising and removes the private directory. It
// returns once the child is gone; later calls return the same result.
func (r *Runtime) Close() error {
	r.closeOnce.Do(func() {
		r.cancel()
		<-r.done
		r.http.CloseIdleConnections()
		r.closeErr = r.cleanup()
		r.log.Info("baml runtime stopped")
	})
	return r.closeErr
}

func (r *Runtime) setUp(port int, c *child) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.port, r.current, r.running = port, c, true
}

func (r *Runtime) setDown() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running = false
}

// supervise waits for the child to die and restarts it until Close.
func (r *Runtime) supervise(c *child) {
	defer close(r.done)
	backoff := r.cfg.MinBackoff
	for {
		startedAt := time.Now()
		select {
		case <-r.ctx.Done():
			r.setDown()
			r.stopChild(c)
			return
		case <-c.exited:
		}
		r.setDown()
		r.output.flush()
		r.log.Warn("baml runtime exited; restarting", "pid", c.pid, "error", c.err, "uptime", time.Since(startedAt).Round(time.Millisecond))
		// A child that ran for a while died of something new, not of the
		// cause of the previous crash loop.
		if time.Since(startedAt) > time.Minute {
			backoff = r.cfg.MinBackoff
		}
		for {
			select {
			case <-r.ctx.Done():
				return
			case <-time.After(backoff):
			}
			next, port, err := r.restart()
			if err == nil {
				r.setUp(port, next)
				r.log.Info("baml runtime restarted", "pid", next.pid, "url", r.BaseURL())
				c = next
				break
			}
			if r.ctx.Err() != nil {
				return
			}
			backoff = min(backoff*2, r.cfg.MaxBackoff)
			r.log.Error("baml runtime restart failed", "error", err, "retry_in", backoff)
		}
	}
}

// restart reuses the previous port when it is free, so a caller holding the
// old URL keeps working, and picks a new one otherwise.
func (r *Runtime) restart() (*child, int, error) {
	r.mu.RLock()
	port := r.port
	r.mu.RUnlock()
	if !portFree(port) {
		var err error
		if port, err = freePort(); err != nil {
			return nil, 0, err
		}
	}
	c, err := r.startChild(r.ctx, port)
	return c, port, err
}

// startChild spawns the child and waits until it is ready; on failure the
// child is stopped before returning.
func (r *Runtime) startChild(ctx context.Context, port int) (*child, error) {
	c, err := r.spawn(port)
	if err != nil {
		return nil, fmt.Errorf("bamlrt: start %s: %w", r.cli, err)
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.StartTimeout)
	defer cancel()
	if err := r.waitReady(ctx, port, c); err != nil {
		r.stopChild(c)
		return nil, fmt.Errorf("bamlrt: runtime on port %d not ready: %w", port, err)
	}
	return c, nil
}

// spawn starts the child from a goroutine locked to its OS thread that lives
// exactly as long as the child: Pdeathsig fires when the creating thread
// exits, not the process (golang/go#27505), so an ordinary goroutine could
// get the child killed whenever the Go scheduler retires that thread.
func (r *Runtime) spawn(port int) (*child, error) {
	cmd := exec.Command(r.cli, "serve", "--from", filepath.Join(r.dir, "baml_src"), "--port", strconv.Itoa(port))
	cmd.Dir = r.dir
	cmd.Env = r.childEnv()
	cmd.Stdout = r.output
	cmd.Stderr = r.output
	cmd.WaitDelay = 2 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}

	c := &child{cmd: cmd, exited: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// Deliberately never unlocked: when this goroutine returns, the
		// thread ends with it, after the child has already exited.
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		c.pid = cmd.Process.Pid
		started <- nil
		c.err = cmd.Wait()
		close(c.exited)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return c, nil
}

// childEnv is the whole environment of the child: never the parent's.
func (r *Runtime) childEnv() []string {
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/bin:/usr/bin:/bin"
	}
	env := make([]string, 0, len(r.cfg.Env)+3)
	for _, kv := range r.cfg.Env {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "RUST_BACKTRACE", "RUST_LIB_BACKTRACE", "BAML_PASSWORD", "BAML_LOG", "PATH":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "PATH="+path, "BAML_PASSWORD="+r.password, "BAML_LOG=warn")
}

func (r *Runtime) waitReady(ctx context.Context, port int, c *child) error {
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var lastErr error
	for {
		select {
		case <-c.exited:
			return fmt.Errorf("exited during start: %v", c.err)
		case <-ctx.Done():
			if lastErr != nil {
				return fmt.Errorf("%w (last error: %v)", ctx.Err(), lastErr)
			}
			return ctx.Err()
		case <-tick.C:
		}
		if lastErr = r.checkPing(ctx, base); lastErr != nil {
			continue
		}
		// The child answers; a refused password now is a configuration
		// error that waiting will not fix.
		return r.checkAuthenticated(ctx, base)
	}
}

func (r *Runtime) checkPing(ctx context.Context, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/_debug/ping", nil)
	if err != nil {
		return err
	}
	return r.expectOK(req)
}

func (r *Runtime) checkAuthenticated(ctx context.Context, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/_debug/status", nil)
	if err != nil {
		return err
	}
	_ = r.Authorize(ctx, req)
	return r.expectOK(req)
}

func (r *Runtime) expectOK(req *http.Request) error {
	resp, err := r.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: status %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	return nil
}

// stopChild ends the child's whole process group, politely first.
func (r *Runtime) stopChild(c *child) {
	_ = syscall.Kill(-c.pid, syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(r.cfg.StopTimeout):
		r.log.Warn("baml runtime ignored SIGTERM; killing it", "pid", c.pid)
		_ = syscall.Kill(-c.pid, syscall.SIGKILL)
		<-c.exited
	}
	r.output.flush()
}

func newPassword() (string, error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("bamlrt: generate password: %w", err)
	}
	// The sk-baml- prefix is what baml-cli expects; without it every request
	// logs a warning recommending it.
	return "sk-baml-" + hex.EncodeToString(buf), nil
}

// freePort asks the kernel for a free port. baml-cli serve has no bind
// option and listens on every interface, so that is what is probed.
func freePort() (int, error) {
	l, err := net.Listen("tcp", ":0")
	if err != nil {
		return 0, fmt.Errorf("bamlrt: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func portFree(port int) bool {
	if port == 0 {
		return false
	}
	l, err := net.Listen("tcp", ":"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}
