package stack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rekan/rekan/eval/bamlrt"
	"github.com/rekan/rekan/eval/fakellm"
)

// Account is an operator or superuser a Stack created with the server's CLI.
type Account struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// NewAccount returns a fresh account named name.<random>@example.com with a
// random password (never starting with "-", which the CLI would read as a
// flag).
func NewAccount(name string) Account {
	return Account{Email: fmt.Sprintf("%s.%s@example.com", name, randomHex(4)), Password: "pw" + randomHex(12)}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Config describes a stack. The zero value of each field is the common case.
type Config struct {
	// API is the server binary (bin/api). Empty starts only the fake.
	API string
	// BAMLCLI is the runtime the server supervises; empty finds it like
	// the server does (REKAN_BAML_CLI, then eval/node_modules/.bin).
	BAMLCLI string
	// NoRuntime starts the server without a BAML runtime (see NoRuntime).
	NoRuntime bool
	// Fake is the in-process fake to serve; nil serves fakellm.New().
	Fake *fakellm.Server
	// FakeBinary runs bin/fakellm (with FakeArgs) instead of an in-process
	// fake, for callers that measure it as a process of its own.
	FakeBinary string
	FakeArgs   []string
	// NoLLM leaves the provider unset in the server: no fake is started
	// and the server answers "LLM not configured".
	NoLLM bool
	// Dir holds the data dir and logs; empty makes a temporary one that
	// Stop removes.
	Dir string
	// DataDir is --dir; empty is Dir/pb_data.
	DataDir string
	// WorkDir is the server's working directory; empty is DataDir.
	WorkDir string
	// WebDir is REKAN_WEB_DIR (the web build to serve), when set.
	WebDir string
	// Env is added to the server's environment (after the fake's block, so
	// it can override it).
	Env []string
	// Args are extra serve flags.
	Args []string
	// Port is the server's port; 0 picks a free one.
	Port int
	// Ready is what the server must answer before Start returns
	// (Healthy, or Listening when NoRuntime is set).
	Ready Ready
	// Operators and Superuser are created with the CLI before serving.
	Operators []Account
	Superuser *Account
	// Caddy is the caddy binary; when set, one site per block of Sites
	// (Upstream standing for the server) is served before the server.
	Caddy string
	Sites []string
	// Log receives the server's output as it comes (it is also kept).
	Log io.Writer
}

// Stack is a running stack.
type Stack struct {
	// URL is where a client talks to Rekan: the first Caddy site when
	// Caddy runs, the server otherwise.
	URL string
	// Fake is nil with NoLLM.
	Fake   *Fake
	Server *Server
	Caddy  *Caddy
	// Dir, DataDir: see Config.
	Dir, DataDir string
	Operators    []Account
	Superuser    *Account
	// ServerConfig is how the server was started (StartServer starts it
	// again the same way, on the same port).
	ServerConfig ServerConfig

	tempDir bool
}

// Start starts the fake, creates the accounts, starts the server and
// waits for it, then Caddy. On failure everything started is stopped.
func Start(ctx context.Context, cfg Config) (_ *Stack, err error) {
	s := &Stack{Dir: cfg.Dir, Operators: cfg.Operators, Superuser: cfg.Superuser}
	if s.Dir == "" {
		if s.Dir, err = os.MkdirTemp("", "rekan-stack-"); err != nil {
			return nil, err
		}
		s.tempDir = true
	}
	defer func() {
		if err != nil {
			s.Stop()
		}
	}()
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, err
	}
	s.DataDir = cfg.DataDir
	if s.DataDir == "" {
		s.DataDir = filepath.Join(s.Dir, "pb_data")
	}

	if !cfg.NoLLM {
		switch {
		case cfg.FakeBinary != "":
			s.Fake, err = StartFakeProcess(ctx, cfg.FakeBinary, cfg.FakeArgs...)
		case cfg.Fake != nil:
			s.Fake, err = ServeFake(cfg.Fake)
		default:
			s.Fake, err = StartFake()
		}
		if err != nil {
			return nil, err
		}
		s.URL = s.Fake.URL
	}
	if cfg.API == "" {
		return s, nil
	}

	env := Env()
	switch {
	case cfg.NoRuntime:
		env = append(env, NoRuntime)
	case cfg.BAMLCLI != "":
		env = append(env, "REKAN_BAML_CLI="+cfg.BAMLCLI)
	default:
		cli, err := bamlrt.FindCLI(os.Getenv)
		if err != nil {
			return nil, fmt.Errorf("the BAML runtime is required (make deps-eval): %w", err)
		}
		env = append(env, "REKAN_BAML_CLI="+cli)
	}
	if s.Fake != nil {
		env = append(env, s.Fake.Env()...)
	}
	if cfg.WebDir != "" {
		env = append(env, "REKAN_WEB_DIR="+cfg.WebDir)
	}
	env = append(env, cfg.Env...)

	for _, a := range cfg.Operators {
		if err := run(cfg.API, s.DataDir, env, "operator", "add", a.Email, a.Password); err != nil {
			return nil, err
		}
	}
	if cfg.Superuser != nil {
		if err := run(cfg.API, s.DataDir, env, "superuser", "upsert", cfg.Superuser.Email, cfg.Superuser.Password); err != nil {
			return nil, err
		}
	}

	ready := cfg.Ready
	if ready == "" {
		ready = Healthy
		if cfg.NoRuntime {
			ready = Listening
		}
	}
	s.ServerConfig = ServerConfig{
		Binary: cfg.API, DataDir: s.DataDir, WorkDir: cfg.WorkDir, Env: env,
		Args: cfg.Args, Port: cfg.Port, Ready: ready, Log: cfg.Log,
	}
	if s.Server, err = StartServer(ctx, s.ServerConfig); err != nil {
		return nil, err
	}
	s.ServerConfig.Port = s.Server.Port
	s.URL = s.Server.Base

	if cfg.Caddy != "" {
		if len(cfg.Sites) == 0 {
			return nil, errors.New("stack: Caddy needs at least one site block")
		}
		caddyDir := filepath.Join(s.Dir, "caddy")
		if err := os.MkdirAll(caddyDir, 0o700); err != nil {
			return nil, err
		}
		if s.Caddy, err = StartCaddy(ctx, cfg.Caddy, caddyDir, "127.0.0.1:"+fmt.Sprint(s.Server.Port), cfg.Sites...); err != nil {
			return nil, err
		}
		s.URL = s.Caddy.URLs[0]
	}
	return s, nil
}

func run(binary, dataDir string, env []string, args ...string) error {
	code, out, err := CLI(binary, dataDir, env, "", args...)
	if err == nil && code != 0 {
		err = fmt.Errorf("api %v: exit %d: %s", args, code, out)
	}
	return err
}

// StartServer starts the server again, as it was first started (same
// port, environment and data), after the caller stopped it.
func (s *Stack) StartServer(ctx context.Context) error {
	srv, err := StartServer(ctx, s.ServerConfig)
	if err != nil {
		return err
	}
	s.Server = srv
	return nil
}

// CLI runs the server binary's command line against the stack's data dir
// with the server's environment.
func (s *Stack) CLI(stdin string, args ...string) (int, string, error) {
	return CLI(s.ServerConfig.Binary, s.DataDir, s.ServerConfig.Env, stdin, args...)
}

// Operator logs in the i-th operator.
func (s *Stack) Operator(ctx context.Context, i int) (*Client, string, error) {
	if i >= len(s.Operators) {
		return nil, "", fmt.Errorf("stack: no operator %d", i)
	}
	return Login(ctx, s.URL, "users", s.Operators[i].Email, s.Operators[i].Password)
}

// Root logs in the superuser.
func (s *Stack) Root(ctx context.Context) (*Client, error) {
	if s.Superuser == nil {
		return nil, errors.New("stack: no superuser was created")
	}
	c, _, err := Login(ctx, s.URL, "_superusers", s.Superuser.Email, s.Superuser.Password)
	return c, err
}

// Stop stops Caddy, the server (its whole process tree, after a grace of
// StopGrace for the drain) and the fake, and removes a temporary Dir.
func (s *Stack) Stop() {
	s.Caddy.Stop()
	if s.Server != nil {
		_ = s.Server.Stop(StopGrace)
	}
	s.Fake.Stop()
	if s.tempDir {
		os.RemoveAll(s.Dir)
	}
}

// StopGrace is how long Stop lets the server drain after SIGTERM.
const StopGrace = 30 * time.Second

// Info is what eval/cmd/stack prints: everything a test outside Go needs.
type Info struct {
	URL       string   `json:"url"`
	ServerURL string   `json:"server_url,omitempty"`
	Sites     []string `json:"sites,omitempty"`
	FakeURL   string   `json:"fake_url,omitempty"`
	// FakeEnv is FakeEnv(FakeURL): the block that points a process at it.
	FakeEnv   []string  `json:"fake_env,omitempty"`
	DataDir   string    `json:"data_dir,omitempty"`
	Dir       string    `json:"dir"`
	Operators []Account `json:"operators"`
	Superuser *Account  `json:"superuser,omitempty"`
	// Env is the server's environment minus PATH (the fake's block, the
	// runtime), for a caller that starts another process like it.
	Env []string `json:"env,omitempty"`
}

// Info describes the stack.
func (s *Stack) Info() Info {
	info := Info{URL: s.URL, Dir: s.Dir, Operators: s.Operators, Superuser: s.Superuser}
	if info.Operators == nil {
		info.Operators = []Account{}
	}
	if s.Fake != nil {
		info.FakeURL = s.Fake.URL
		info.FakeEnv = s.Fake.Env()
	}
	if s.Server != nil {
		info.ServerURL = s.Server.Base
		info.DataDir = s.DataDir
		info.Env = append(info.Env, s.ServerConfig.Env[1:]...)
	}
	if s.Caddy != nil {
		info.Sites = s.Caddy.URLs
	}
	return info
}
