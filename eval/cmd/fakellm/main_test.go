package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/fakellm"
)

func TestCheckLoopback(t *testing.T) {
	cases := []struct {
		addr        string
		allowRemote bool
		ok          bool
	}{
		{"127.0.0.1:0", false, true},
		{"127.0.0.2:8080", false, true},
		{"[::1]:0", false, true},
		{"localhost:0", false, true},
		{"0.0.0.0:0", false, false},
		{":0", false, false},
		{"[::]:0", false, false},
		{"192.168.1.10:0", false, false},
		{"example.com:80", false, false},
		{"0.0.0.0:0", true, true},
		{"no-port", false, false},
	}
	for _, c := range cases {
		err := checkLoopback(c.addr, c.allowRemote)
		if (err == nil) != c.ok {
			t.Errorf("checkLoopback(%q, %v) = %v", c.addr, c.allowRemote, err)
		}
	}
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// buildBinary compiles the command once for all tests of this package.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "fakellm-test-")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "fakellm")
		var out []byte
		if out, buildErr = exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); buildErr != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", buildErr, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func TestBinaryServesAndStopsOnSignal(t *testing.T) {
	bin := buildBinary(t)
	portFile := filepath.Join(t.TempDir(), "url")
	if err := os.WriteFile(portFile, []byte("http://127.0.0.1:1\n"), 0o644); err != nil {
		t.Fatal(err) // a stale file from an earlier run must be replaced
	}
	cmd := exec.Command(bin, "--latency", "1ms", "--port-file", portFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("read first line: %v", err)
	}
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "fakellm listening on ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Fatalf("unexpected first line %q", line)
	}
	written, err := os.ReadFile(portFile)
	if err != nil || strings.TrimSpace(string(written)) != url {
		t.Fatalf("port file %q (%v), want %q", written, err, url)
	}

	resp, err := http.Get(url + "/_fake/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"status":"ok"`) {
		t.Fatalf("health: %d %s", resp.StatusCode, body)
	}
	resp, err = http.Post(url+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"oi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Resposta de teste do fakellm") {
		t.Fatalf("completion: %d %s", resp.StatusCode, body)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10s after SIGTERM")
	}
}

func TestBinaryRefusesRemoteAddress(t *testing.T) {
	bin := buildBinary(t)
	out, err := exec.Command(bin, "--addr", "0.0.0.0:0").CombinedOutput()
	if err == nil {
		t.Fatalf("listened on 0.0.0.0: %s", out)
	}
	if !strings.Contains(string(out), "--allow-remote") {
		t.Errorf("error does not say how to override: %s", out)
	}
}

// fakellm.StartProcess is how the benchmarks start this binary: it returns
// once the port file names a listening server, reports a binary that exits
// first, and stops the process it started.
func TestStartProcess(t *testing.T) {
	bin := buildBinary(t)
	fake, err := fakellm.StartProcess(context.Background(), exec.Command(bin, "-fault", "generic"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Stop)
	if !strings.HasPrefix(fake.URL, "http://127.0.0.1:") || strings.HasSuffix(fake.URL, ":0") {
		t.Fatalf("URL %q", fake.URL)
	}
	resp, err := http.Get(fake.URL + "/_fake/health")
	if err != nil {
		t.Fatalf("not listening when StartProcess returned: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("health: %d", resp.StatusCode)
	}
	fake.Stop()
	if err := syscall.Kill(fake.Pid(), 0); err == nil {
		t.Fatalf("pid %d still exists after Stop", fake.Pid())
	}
	if _, err := http.Get(fake.URL + "/_fake/health"); err == nil {
		t.Fatal("still answering after Stop")
	}

	_, err = fakellm.StartProcess(context.Background(), exec.Command(bin, "-fault", "no-such-fault"))
	if err == nil || !strings.Contains(err.Error(), "exited before listening") {
		t.Fatalf("a binary that exits at once: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	// A process that never writes the port file ("-port-file FILE" become
	// the shell's $0 and $1).
	_, err = fakellm.StartProcess(ctx, exec.Command("sh", "-c", "exec sleep 30"))
	if err == nil || !strings.Contains(err.Error(), "did not write its URL") {
		t.Fatalf("a binary that never listens: %v", err)
	}
}
