package stack

import (
	"context"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"github.com/rekan/rekan/eval/fakellm"
)

// The one fake provider configuration every caller points Rekan at.
const (
	FakeKey    = "sk-fakellm"
	FakeWriter = "fake-writer"
	FakeJudges = "fake-judge-a,fake-judge-b"
)

// FakeEnv is the environment block that points the server, the eval CLI or
// a BAML runtime at the fake LLM whose base URL is url (no /v1).
func FakeEnv(url string) []string {
	return []string{
		"REKAN_LLM_BASE_URL=" + url + "/v1",
		"REKAN_LLM_API_KEY=" + FakeKey,
		"REKAN_WRITER_MODEL=" + FakeWriter,
		"REKAN_JUDGE_MODELS=" + FakeJudges,
	}
}

// Fake is a running fake LLM: in process (Server set, its controls are Go
// calls) or bin/fakellm (Process set, controlled over /_fake/…). Both serve
// the same handler.
type Fake struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234 (OpenAI clients want
	// URL + "/v1").
	URL     string
	Server  *fakellm.Server
	Process *fakellm.Process
	http    *http.Server
}

// StartFake serves fakellm.New() in this process on a free loopback port.
func StartFake() (*Fake, error) {
	return ServeFake(fakellm.New())
}

// ServeFake serves srv (already configured by the caller) on a free
// loopback port.
func ServeFake(srv *fakellm.Server) (*Fake, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(l) }()
	return &Fake{URL: "http://" + l.Addr().String(), Server: srv, http: hs}, nil
}

// StartFakeProcess starts the fakellm binary with args (fakellm.StartProcess:
// the port file), for callers that measure it as a process of its own.
func StartFakeProcess(ctx context.Context, binary string, args ...string) (*Fake, error) {
	p, err := fakellm.StartProcess(ctx, exec.Command(binary, args...))
	if err != nil {
		return nil, err
	}
	return &Fake{URL: p.URL, Process: p}, nil
}

// Env is FakeEnv(f.URL).
func (f *Fake) Env() []string { return FakeEnv(f.URL) }

// Stop stops the fake; calling it again does nothing.
func (f *Fake) Stop() {
	if f == nil {
		return
	}
	if f.Process != nil {
		f.Process.Stop()
	}
	if f.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = f.http.Shutdown(ctx)
		_ = f.http.Close()
	}
}

// Getenv looks name up in env (KEY=VALUE entries, the last one wins), then
// in fallback (nil: none): how code that takes a getenv (the content
// runtime, bamlrt) is pointed at the fake without touching the process
// environment.
func Getenv(env []string, fallback func(string) string) func(string) string {
	values := map[string]string{}
	for _, kv := range env {
		if name, value, ok := strings.Cut(kv, "="); ok {
			values[name] = value
		}
	}
	return func(name string) string {
		if value, ok := values[name]; ok {
			return value
		}
		if fallback != nil {
			return fallback(name)
		}
		return ""
	}
}
