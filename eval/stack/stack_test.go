package stack_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/stack"
)

// A server that exits at once fails the start fast, with why, instead of
// after the whole ReadyTimeout.
func TestStartServerReportsAnEarlyExit(t *testing.T) {
	script := filepath.Join(t.TempDir(), "api")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho 'bad flag: '\"$*\" >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	_, err := stack.StartServer(context.Background(), stack.ServerConfig{Binary: script, DataDir: t.TempDir(), Env: stack.Env()})
	if err == nil || !strings.Contains(err.Error(), "exited before") || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "bad flag: serve --http 127.0.0.1:") {
		t.Fatalf("error %v", err)
	}
	if waited := time.Since(started); waited > stack.ReadyTimeout/2 {
		t.Errorf("waited %s for a server that had exited", waited)
	}
}

// Stop takes the whole tree down, a grandchild in its own process group
// (as the BAML runtime is) included.
func TestStopTakesTheTreeDown(t *testing.T) {
	script := filepath.Join(t.TempDir(), "api")
	// The "server" starts a child in a new session, then waits forever.
	if err := os.WriteFile(script, []byte("#!/bin/sh\nsetsid sleep 300 &\nexec sleep 300\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Fatalf("setsid is needed: %v", err)
	}
	srv, err := stack.StartServer(context.Background(), stack.ServerConfig{Binary: script, DataDir: t.TempDir(), Env: stack.Env(), Ready: stack.Started})
	if err != nil {
		t.Fatal(err)
	}
	var tree []int
	for deadline := time.Now().Add(10 * time.Second); len(tree) == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		tree = stack.Descendants(srv.Pid())
	}
	if len(tree) == 0 {
		t.Fatal("the child never started")
	}
	_ = srv.Stop(100 * time.Millisecond)
	if left := stack.WaitGone(append(tree, srv.Pid()), 5*time.Second); len(left) > 0 {
		t.Errorf("still running after Stop: %v", left)
	}
}

func TestGetenvAndFakeEnv(t *testing.T) {
	get := stack.Getenv(append(stack.FakeEnv("http://127.0.0.1:1"), "REKAN_LLM_API_KEY=other"), func(name string) string { return "fallback:" + name })
	for name, want := range map[string]string{
		"REKAN_LLM_BASE_URL": "http://127.0.0.1:1/v1",
		"REKAN_LLM_API_KEY":  "other",
		"REKAN_WRITER_MODEL": stack.FakeWriter,
		"REKAN_JUDGE_MODELS": stack.FakeJudges,
		"HOME":               "fallback:HOME",
	} {
		if got := get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// Refused returns a refusing server's exit code and output; one that keeps
// running is stopped and reported.
func TestRefused(t *testing.T) {
	dir := t.TempDir()
	refuses := filepath.Join(dir, "refuses")
	runs := filepath.Join(dir, "runs")
	if err := os.WriteFile(refuses, []byte("#!/bin/sh\necho \"REKAN_X is wrong ($1)\" >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(runs, []byte("#!/bin/sh\nexec sleep 300\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, out, err := stack.Refused(context.Background(), stack.ServerConfig{Binary: refuses, DataDir: t.TempDir(), Env: stack.Env()})
	if err != nil || code != 3 || !strings.Contains(out, "REKAN_X is wrong (serve)") {
		t.Errorf("refusing server: exit %d, %v, output %q", code, err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if code, _, err := stack.Refused(ctx, stack.ServerConfig{Binary: runs, DataDir: t.TempDir(), Env: stack.Env()}); err == nil {
		t.Errorf("a server that kept running was taken for a refusal (exit %d)", code)
	}
}

// Command replaces `Binary serve …` with a launcher of the caller's, which
// must be told the port.
func TestServerCommand(t *testing.T) {
	launcher := filepath.Join(t.TempDir(), "launcher")
	if err := os.WriteFile(launcher, []byte("#!/bin/sh\necho \"launched $*\"\nexit 4\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := stack.StartServer(context.Background(), stack.ServerConfig{Command: []string{launcher}, DataDir: t.TempDir(), Env: stack.Env()}); err == nil || !strings.Contains(err.Error(), "Port") {
		t.Errorf("a Command without a Port: %v", err)
	}
	code, out, err := stack.Refused(context.Background(), stack.ServerConfig{
		Command: []string{launcher, "ADDR=127.0.0.1:1234"}, Port: 1234, DataDir: t.TempDir(), Env: stack.Env(),
	})
	if err != nil || code != 4 || out != "launched ADDR=127.0.0.1:1234\n" {
		t.Errorf("launcher: exit %d, %v, output %q", code, err, out)
	}
}

// What the server printed before it did something the caller can see (here
// a file; for a real server, answering a request) is in Log() by then: a
// test that sees the effect and reads the log must find the line, however
// late a goroutine copying the output would run on a loaded machine.
func TestLogHoldsWhatWasPrintedBeforeAnEffect(t *testing.T) {
	marks := t.TempDir()
	script := filepath.Join(t.TempDir(), "api")
	const lines = 100
	body := "#!/bin/sh\ni=0\nwhile [ $i -lt " + strconv.Itoa(lines) + " ]; do\n\techo \"line $i\"\n\t: >\"" + marks + "/$i\"\n\ti=$((i+1))\ndone\nexec sleep 300\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	srv, err := stack.StartServer(context.Background(), stack.ServerConfig{Binary: script, DataDir: t.TempDir(), Env: stack.Env(), Ready: stack.Started})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop(0)
	for i := range lines {
		mark := filepath.Join(marks, strconv.Itoa(i))
		for deadline := time.Now().Add(30 * time.Second); ; {
			if _, err := os.Stat(mark); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the script never wrote %s; logs:\n%s", mark, srv.Log())
			}
		}
		if want := fmt.Sprintf("line %d\n", i); !strings.Contains(srv.Log(), want) {
			t.Fatalf("%q was printed before %s was made, and Log() does not hold it yet:\n%s", want, mark, srv.Log())
		}
	}
}

// ServerConfig.Log gets the whole output too, to the last line, by the time
// the server is seen to have exited.
func TestLogWriterGetsTheWholeOutput(t *testing.T) {
	script := filepath.Join(t.TempDir(), "api")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho out\necho err >&2\nsleep 0.3\necho last\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	srv, err := stack.StartServer(context.Background(), stack.ServerConfig{Binary: script, DataDir: t.TempDir(), Env: stack.Env(), Ready: stack.Started, Log: &got})
	if err != nil {
		t.Fatal(err)
	}
	<-srv.Exited()
	if want := "out\nerr\nlast\n"; got.String() != want || srv.Log() != want {
		t.Errorf("Log writer got %q, Log() %q; want %q", got.String(), srv.Log(), want)
	}
}
