package bamlrt_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	bamlsrc "github.com/rekan/rekan/eval/baml_src"
	"github.com/rekan/rekan/eval/bamlrt"
	"github.com/rekan/rekan/eval/bamlrt/bamlrttest"
	"github.com/rekan/rekan/eval/stack"
)

func TestStartAnswersOnLoopback(t *testing.T) {
	rt := bamlrttest.Start(t, nil)

	if err := rt.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if rt.PID() <= 0 || !rt.Running() {
		t.Fatalf("PID=%d Running=%v, want a live child", rt.PID(), rt.Running())
	}
	u, err := url.Parse(rt.BaseURL())
	if err != nil {
		t.Fatal(err)
	}
	// baml-cli binds every interface (it has no bind flag); callers must
	// still only ever be handed the loopback address.
	if u.Hostname() != "127.0.0.1" {
		t.Fatalf("BaseURL %s is not loopback", rt.BaseURL())
	}
	if !strings.HasPrefix(rt.Password(), "sk-baml-") || len(rt.Password()) < 40 {
		t.Fatalf("password %q is not a long random sk-baml- secret", rt.Password())
	}
	info, err := os.Stat(rt.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o700 {
		t.Fatalf("runtime dir mode %v, want 0700", info.Mode().Perm())
	}
	if _, err := os.Stat(filepath.Join(rt.Dir(), "baml_src", "content.baml")); err != nil {
		t.Fatalf("sources not written: %v", err)
	}
}

func TestPasswordRequired(t *testing.T) {
	rt := bamlrttest.Start(t, nil)

	status := func(key string) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, rt.BaseURL()+"/_debug/status", nil)
		if err != nil {
			t.Fatal(err)
		}
		if key != "" {
			req.Header.Set("x-baml-api-key", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status(""); got != http.StatusForbidden {
		t.Errorf("without password: status %d, want 403", got)
	}
	if got := status("sk-baml-wrong"); got != http.StatusForbidden {
		t.Errorf("with a wrong password: status %d, want 403", got)
	}
	if got := status(rt.Password()); got != http.StatusOK {
		t.Errorf("with the password: status %d, want 200", got)
	}
}

// A .env above the runtime's directory would override the real environment
// (here: the password). The control run shows baml-cli really reads it;
// then Start must move away from it.
func TestDotenvAboveDirIsAvoided(t *testing.T) {
	cli := bamlrttest.CLI(t)
	poisoned := t.TempDir()
	if err := os.WriteFile(filepath.Join(poisoned, ".env"), []byte("BAML_PASSWORD=sk-baml-poison\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	given := filepath.Join(poisoned, "state", "baml")

	t.Run("control: baml-cli loads it", func(t *testing.T) {
		src := filepath.Join(given, "baml_src")
		if err := os.MkdirAll(src, 0o700); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(filepath.Join(poisoned, "state")) })
		if err := os.WriteFile(filepath.Join(src, "clients.baml"), mustRead(t, "clients.baml"), 0o600); err != nil {
			t.Fatal(err)
		}
		port := freePort(t)
		cmd := exec.Command(cli, "serve", "--from", src, "--port", strconv.Itoa(port))
		cmd.Dir = given
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "BAML_LOG=warn", "BAML_PASSWORD=sk-baml-real"}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
		base := "http://127.0.0.1:" + strconv.Itoa(port)
		bamlrttest.WaitFor(t, 20*time.Second, func() bool { return get(base+"/_debug/ping", "") == http.StatusOK })
		if got := get(base+"/_debug/status", "sk-baml-poison"); got != http.StatusOK {
			t.Fatalf("the .env password got %d: baml-cli no longer loads .env files from parents, so this test proves nothing", got)
		}
	})

	rt, err := bamlrt.Start(context.Background(), bamlrt.Config{
		CLI: cli, Source: bamlsrc.FS, Dir: given, Logger: bamlrttest.Logger(t),
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer rt.Close()
	if strings.HasPrefix(rt.Dir(), poisoned) {
		t.Fatalf("runtime runs in %s, below %s/.env", rt.Dir(), poisoned)
	}
	if err := rt.Ping(context.Background()); err != nil {
		t.Fatalf("Ping with the real password: %v", err)
	}
	if got := get(rt.BaseURL()+"/_debug/status", "sk-baml-poison"); got != http.StatusForbidden {
		t.Fatalf("the .env password got status %d, want 403", got)
	}
}

func TestGivenDirIsUsedWhenSafe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "baml")
	rt, err := bamlrt.Start(context.Background(), bamlrt.Config{
		CLI: bamlrttest.CLI(t), Source: bamlsrc.FS, Dir: dir, Logger: bamlrttest.Logger(t),
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if rt.Dir() != dir {
		t.Errorf("Dir() = %s, want %s", rt.Dir(), dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "baml_src", "clients.baml")); err != nil {
		t.Errorf("sources not written to the given dir: %v", err)
	}
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("a given dir must survive Close: %v", err)
	}
}

func TestDirWithOtherFilesIsNotUsed(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rt, err := bamlrt.Start(context.Background(), bamlrt.Config{
		CLI: bamlrttest.CLI(t), Source: bamlsrc.FS, Dir: dir, Logger: bamlrttest.Logger(t),
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer rt.Close()
	if rt.Dir() == dir {
		t.Fatalf("runtime took over %s although it holds other files", dir)
	}
}

func TestRestartAfterKill(t *testing.T) {
	rt := bamlrttest.Start(t, nil)
	oldPID := rt.PID()
	if err := syscall.Kill(oldPID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	bamlrttest.WaitFor(t, 20*time.Second, func() bool {
		pid := rt.PID()
		return pid != 0 && pid != oldPID && rt.Ping(context.Background()) == nil
	})
	if alive(oldPID) {
		t.Errorf("killed child %d still exists", oldPID)
	}
}

func TestCloseLeavesNoChild(t *testing.T) {
	goroutines := runtime.NumGoroutine()
	rt, err := bamlrt.Start(context.Background(), bamlrt.Config{
		CLI: bamlrttest.CLI(t), Source: bamlsrc.FS, Logger: bamlrttest.Logger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	pid, dir := rt.PID(), rt.Dir()
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	if alive(pid) {
		t.Errorf("child %d survived Close", pid)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("private dir %s survived Close (err=%v)", dir, err)
	}
	if rt.Running() || rt.PID() != 0 {
		t.Errorf("after Close: Running=%v PID=%d", rt.Running(), rt.PID())
	}
	if err := rt.Ping(context.Background()); err == nil {
		t.Error("Ping succeeded after Close")
	}
	if err := rt.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// Supervisor, child waiter, output copier and HTTP connections must all
	// be gone (goroutines can take a moment to observe their exit).
	bamlrttest.WaitFor(t, 5*time.Second, func() bool { return runtime.NumGoroutine() <= goroutines })
}

// The helper process starts a runtime, prints the child's PID and waits to be
// SIGKILLed: no Go code runs at its death, so only Pdeathsig can end the child.
func TestChildDiesWithParent(t *testing.T) {
	cli := bamlrttest.CLI(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperParent$", "-test.v")
	cmd.Env = append(os.Environ(), "BAMLRT_HELPER_PARENT=1", "REKAN_BAML_CLI="+cli)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	childPID, childDir := 0, ""
	scanner := bufio.NewScanner(out)
	deadline := time.AfterFunc(time.Minute, func() { _ = cmd.Process.Kill() })
	for scanner.Scan() {
		if _, err := fmt.Sscanf(scanner.Text(), "CHILD_PID=%d DIR=%s", &childPID, &childDir); err == nil {
			break
		}
	}
	deadline.Stop()
	if childPID == 0 {
		t.Fatal("helper never reported its runtime's PID")
	}
	t.Cleanup(func() {
		// The SIGKILLed helper cannot remove its private directory.
		if strings.Contains(childDir, "rekan-baml-") {
			os.RemoveAll(childDir)
		}
		if alive(childPID) {
			_ = syscall.Kill(childPID, syscall.SIGKILL)
		}
	})
	if !alive(childPID) {
		t.Fatalf("runtime %d is not running before the parent dies", childPID)
	}
	// Pdeathsig follows the thread that forked the child: give the Go
	// scheduler time to retire idle threads, which must not kill it.
	time.Sleep(500 * time.Millisecond)
	if !alive(childPID) {
		t.Fatalf("runtime %d died while its parent was alive", childPID)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	bamlrttest.WaitFor(t, 10*time.Second, func() bool { return !alive(childPID) })
}

func TestHelperParent(t *testing.T) {
	if os.Getenv("BAMLRT_HELPER_PARENT") != "1" {
		t.Skip("helper process for TestChildDiesWithParent")
	}
	rt := bamlrttest.Start(t, nil)
	fmt.Printf("CHILD_PID=%d DIR=%s\n", rt.PID(), rt.Dir())
	// Churn goroutines and threads so that a child tied to a retired thread
	// would be killed before the parent is.
	for i := 0; i < 100; i++ {
		go func() { time.Sleep(time.Millisecond) }()
	}
	time.Sleep(time.Minute)
}

func TestFindCLI(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "baml-cli")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}

	got, err := bamlrt.FindCLI(env(map[string]string{"REKAN_BAML_CLI": fake}))
	if err != nil || got != fake {
		t.Errorf("explicit: got %q, %v; want %q", got, err, fake)
	}
	if _, err := bamlrt.FindCLI(env(map[string]string{"REKAN_BAML_CLI": filepath.Join(dir, "missing")})); err == nil {
		t.Error("explicit path that does not exist: want an error, not a silent fallback")
	}

	// From a directory with no eval/node_modules above it (the test binary
	// lives in a temp dir too), only PATH is left.
	t.Chdir(dir)
	exe, _ := os.Executable()
	if _, err := os.Stat(filepath.Join(filepath.Dir(exe), "..")); err == nil && insideRepo(exe) {
		t.Skip("test binary runs from inside the repository; PATH fallback not observable")
	}
	got, err = bamlrt.FindCLI(env(map[string]string{"PATH": "/nonexistent:" + dir}))
	if err != nil || got != fake {
		t.Errorf("PATH: got %q, %v; want %q", got, err, fake)
	}
	_, err = bamlrt.FindCLI(env(map[string]string{"PATH": "/nonexistent"}))
	if err == nil || !strings.Contains(err.Error(), "REKAN_BAML_CLI") {
		t.Errorf("nothing found: got %v, want an error naming REKAN_BAML_CLI", err)
	}
}

func TestFindCLIFromRepository(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, "eval", "node_modules", ".bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(bin, "baml-cli")
	if err := os.WriteFile(want, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(root, "api", "internal", "x")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(deep)
	got, err := bamlrt.FindCLI(func(string) string { return "" })
	if err != nil || got != want {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
}

func insideRepo(path string) bool {
	_, err := os.Stat(filepath.Join(filepath.Dir(path), "eval", "node_modules"))
	return err == nil
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "baml_src", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func freePort(t *testing.T) int {
	t.Helper()
	port, err := stack.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func get(rawURL, key string) int {
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		return 0
	}
	if key != "" {
		req.Header.Set("x-baml-api-key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// alive reports whether pid exists and is not a zombie waiting for a reaper
// (a container's PID 1 may never reap orphans).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}
