package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Ready says what StartServer waits for.
type Ready string

const (
	// Healthy waits for a 200 from /api/rekan/health: database and BAML
	// runtime up (serve listens before the runtime answers).
	Healthy Ready = "/api/rekan/health"
	// Listening waits for PocketBase's own /api/health: the listener only.
	Listening Ready = "/api/health"
	// Started does not wait.
	Started Ready = "started"
)

// ReadyTimeout bounds every wait for a server (and Caddy) to be ready. It
// is generous: on a loaded machine the BAML runtime takes long to start,
// and a test must fail on a broken server, not on a slow one.
const ReadyTimeout = 90 * time.Second

// ServerConfig describes one `api serve`.
type ServerConfig struct {
	// Binary is the server (bin/api, or the binary a test built).
	Binary string
	// DataDir is --dir.
	DataDir string
	// WorkDir is the working directory (where .env and web/build are
	// looked up); empty means DataDir.
	WorkDir string
	// Env is the whole environment (see Env); nothing is inherited.
	Env []string
	// Args are extra serve flags (e.g. --origins).
	Args []string
	// Command, when set, is run instead of `Binary serve …`: a launcher
	// that serves on Port by itself (`make run-api ADDR=…`), so its own
	// way of starting the server is what is tested. Port is then required.
	Command []string
	// Port is the port to listen on; 0 picks a free one.
	Port int
	// Ready is what to wait for before returning (Healthy by default).
	Ready Ready
	// Log receives the server's output too (it is always kept for Log).
	Log io.Writer
}

// Server is a running `api serve`.
type Server struct {
	// Base is http://127.0.0.1:PORT.
	Base    string
	Port    int
	DataDir string

	cmd *exec.Cmd
	// logs is the child's stdout and stderr, unlinked: the child writes
	// into it directly, so whatever it printed before an answer the caller
	// got is there, with no copying goroutine to lag behind on a loaded
	// machine. Kept open for Log() after the exit.
	logs    *os.File
	exited  chan struct{}
	waitErr error
	treeMu  sync.Mutex
	tree    []int
}

// Env is the smallest environment for the binary: PATH and extra. The
// server never sees the caller's REKAN_* variables by accident.
func Env(extra ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH")}, extra...)
}

// NoRuntime is an REKAN_BAML_CLI entry that names no binary: the server
// starts without a BAML runtime (faster, for tests that need none).
var NoRuntime = "REKAN_BAML_CLI=" + filepath.Join(os.TempDir(), "rekan-no-baml-cli")

// StartServer starts `api serve` and waits for cfg.Ready. On failure the
// server is stopped and the error carries its output.
func StartServer(ctx context.Context, cfg ServerConfig) (*Server, error) {
	port := cfg.Port
	if port == 0 && len(cfg.Command) > 0 {
		return nil, errors.New("stack: a server Command needs the Port it serves on")
	}
	if port == 0 {
		var err error
		if port, err = FreePort(); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	args := append([]string{cfg.Binary, "serve", "--http", "127.0.0.1:" + strconv.Itoa(port), "--dir", cfg.DataDir}, cfg.Args...)
	if len(cfg.Command) > 0 {
		args = cfg.Command
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = cfg.WorkDir
	if cmd.Dir == "" {
		cmd.Dir = cfg.DataDir
	}
	cmd.Env = cfg.Env
	s := &Server{Base: "http://127.0.0.1:" + strconv.Itoa(port), Port: port, DataDir: cfg.DataDir, cmd: cmd, exited: make(chan struct{})}
	logs, err := os.CreateTemp("", "rekan-server-*.log")
	if err != nil {
		return nil, err
	}
	_ = os.Remove(logs.Name())
	s.logs = logs
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		logs.Close()
		return nil, fmt.Errorf("start %s: %w", args[0], err)
	}
	stopForward, forwarded := make(chan struct{}), make(chan struct{})
	if cfg.Log != nil {
		go func() {
			defer close(forwarded)
			s.forward(cfg.Log, stopForward)
		}()
	} else {
		close(forwarded)
	}
	go func() {
		s.waitErr = cmd.Wait()
		// Exited means the output is in cfg.Log too, to its last line.
		close(stopForward)
		<-forwarded
		close(s.exited)
	}()
	ready := cfg.Ready
	switch ready {
	case Started:
		return s, nil
	case "":
		ready = Healthy
	}
	if err := s.WaitReady(ctx, ready, ReadyTimeout); err != nil {
		s.Stop(0)
		return nil, err
	}
	return s, nil
}

// Refused starts a server that must refuse to start (a bad setting, a
// kill point): it waits for the process to exit and returns its exit code
// (-1 when a signal ended it) and output. A server still running after
// ReadyTimeout is stopped, and that is the error.
func Refused(ctx context.Context, cfg ServerConfig) (int, string, error) {
	cfg.Ready = Started
	s, err := StartServer(ctx, cfg)
	if err != nil {
		return -1, "", err
	}
	select {
	case <-s.exited:
	case <-ctx.Done():
		_ = s.Stop(0)
		return -1, s.Log(), fmt.Errorf("server at %s: %w before it exited", s.Base, ctx.Err())
	case <-time.After(ReadyTimeout):
		_ = s.Stop(0)
		return -1, s.Log(), fmt.Errorf("server at %s kept running for %s: it did not refuse to start; logs:\n%s", s.Base, ReadyTimeout, s.Log())
	}
	_ = s.Stop(0) // what it may have left behind
	return s.cmd.ProcessState.ExitCode(), s.Log(), nil
}

// Log returns what the server printed so far.
func (s *Server) Log() string {
	b, _ := io.ReadAll(io.NewSectionReader(s.logs, 0, math.MaxInt64))
	return string(b)
}

// forward copies the output to w as it grows, until stop is closed (the
// server exited), then the rest.
func (s *Server) forward(w io.Writer, stop <-chan struct{}) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var sent int64
	for {
		last := false
		select {
		case <-stop:
			last = true
		case <-tick.C:
		}
		n, _ := io.Copy(w, io.NewSectionReader(s.logs, sent, math.MaxInt64-sent))
		sent += n
		if last {
			return
		}
	}
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Exited is closed once the server process has exited.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// Err is the server's exit error, once Exited is closed.
func (s *Server) Err() error {
	<-s.exited
	return s.waitErr
}

// WaitReady polls ready until it answers 200, the server exits, ctx ends
// or within passes.
func (s *Server) WaitReady(ctx context.Context, ready Ready, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second}
	last := "no answer"
	for {
		status, _, body, err := Call(ctx, client, "GET", s.Base+string(ready), "", "")
		switch {
		case err == nil && status == http.StatusOK:
			return nil
		case err == nil:
			last = fmt.Sprintf("%d %s", status, body)
		default:
			last = err.Error()
		}
		select {
		case <-s.exited:
			return fmt.Errorf("server at %s exited before %s answered 200 (%v); logs:\n%s", s.Base, ready, s.waitErr, s.Log())
		case <-ctx.Done():
			return fmt.Errorf("server at %s: %s did not answer 200 within %s (last: %s); logs:\n%s", s.Base, ready, within, last, s.Log())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Signal sends sig to the server process only (what a supervisor does),
// remembering its children so Stop can still reach them.
func (s *Server) Signal(sig os.Signal) error {
	s.remember()
	return s.cmd.Process.Signal(sig)
}

// Kill SIGKILLs the server process only (a crash) and waits for it; its
// BAML child is left to its own death signal, as in production.
func (s *Server) Kill() {
	_ = s.Signal(syscall.SIGKILL)
	<-s.exited
}

// Stop asks the server to stop (SIGTERM), waits up to grace, then kills
// what is left of its whole process tree (the BAML child included).
// Calling it again does nothing more.
func (s *Server) Stop(grace time.Duration) error {
	select {
	case <-s.exited:
	default:
		_ = s.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(grace):
		}
	}
	tree := s.remember()
	killAll(append([]int{s.Pid()}, tree...))
	<-s.exited
	killAll(tree)
	if errors.Is(s.waitErr, os.ErrProcessDone) {
		return nil
	}
	return s.waitErr
}

// remember records the server's descendants while it still has them and
// returns every one recorded.
func (s *Server) remember() []int {
	s.treeMu.Lock()
	defer s.treeMu.Unlock()
	select {
	case <-s.exited:
		return append([]int(nil), s.tree...)
	default:
	}
	for _, pid := range Descendants(s.Pid()) {
		known := false
		for _, p := range s.tree {
			known = known || p == pid
		}
		if !known {
			s.tree = append(s.tree, pid)
		}
	}
	return append([]int(nil), s.tree...)
}

// CLI runs the binary's command line (operator, superuser, migrate…)
// against dataDir with env and stdin, from dataDir (no stray .env), and
// returns its exit code and combined output.
func CLI(binary, dataDir string, env []string, stdin string, args ...string) (int, string, error) {
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
