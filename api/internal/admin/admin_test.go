package admin

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/spf13/cobra"
)

func TestLockIsExclusiveAndReleased(t *testing.T) {
	dir := t.TempDir()
	first, ok, err := TryLock(dir)
	if err != nil || !ok {
		t.Fatalf("first lock: %v %v", ok, err)
	}
	// A second open file of the lock, as another process would have.
	if _, ok, err := TryLock(dir); err != nil || ok {
		t.Fatalf("second lock while held: ok=%v err=%v", ok, err)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, ok, err := TryLock(dir)
	if err != nil || !ok {
		t.Fatalf("lock after release: %v %v", ok, err)
	}
	again.Release()
}

func TestCommandNameNeverHoldsArguments(t *testing.T) {
	cases := map[string][]string{
		"operator add":     {"operator", "add", "a@example.com", "secret-password"},
		"superuser upsert": {"superuser", "upsert", "--dir=/x", "root@example.com", "pw"},
		"operator list":    {"operator", "list"},
		"operator":         {"operator", "--help"},
	}
	for want, args := range cases {
		if got := commandName(args); got != want {
			t.Errorf("commandName(%q) = %q, want %q", args, got, want)
		}
	}
}

// echoCommands is a stand-in admin command that prints its arguments and
// the stdin line, and fails on "fail".
func echoCommands(core.App) []*cobra.Command {
	return []*cobra.Command{{
		Use: "echo",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && args[0] == "fail" {
				return errors.New("asked to fail")
			}
			line, _ := io.ReadAll(cmd.InOrStdin())
			fmt.Fprintf(cmd.OutOrStdout(), "%s|%s", strings.Join(args, ","), line)
			return nil
		},
	}}
}

// TestForwardOrLock covers how a command decides: a free lock runs it
// directly even with a stale socket file; a held lock without a socket waits
// for the server (a server still starting) and then goes through it; a held
// lock and no server at all ends in a clear error, not a direct run.
func TestForwardOrLock(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	dir := t.TempDir()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	// A socket file nobody listens on, as SIGKILL leaves it.
	stale, err := net.Listen("unix", filepath.Join(dir, SocketFile))
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	lock, _, err := forwardOrLock(dir, []string{"echo"}, strings.NewReader(""), io.Discard, io.Discard, time.Second)
	if err != nil || lock == nil {
		t.Fatalf("free lock, stale socket: lock %v err %v; want a direct run", lock, err)
	}

	// The lock held (by "a server") and nothing answers: an error, no lock.
	started := time.Now()
	if l, _, err := forwardOrLock(dir, []string{"echo"}, strings.NewReader(""), io.Discard, io.Discard, 300*time.Millisecond); l != nil || err == nil || !strings.Contains(err.Error(), "no server answers") {
		t.Fatalf("held lock, no server: lock %v err %v", l, err)
	}
	if time.Since(started) < 300*time.Millisecond {
		t.Error("gave up before the wait")
	}

	// The server comes up while the command waits.
	var srv *Server
	listening := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		var err error
		srv, err = Listen(app, dir, echoCommands, logger)
		listening <- err
	}()
	var out strings.Builder
	l, code, err := forwardOrLock(dir, []string{"echo", "a", "-", "--dir", dir}, strings.NewReader("secret\nignored\n"), &out, io.Discard, 10*time.Second)
	if lerr := <-listening; lerr != nil {
		t.Fatal(lerr)
	}
	defer srv.Close()
	if l != nil || err != nil || code != 0 || out.String() != "a,-|secret\n" {
		t.Fatalf("through the server: lock %v code %d err %v out %q", l, code, err, out.String())
	}
	var errOut strings.Builder
	if _, code, err := forwardOrLock(dir, []string{"echo", "fail"}, strings.NewReader(""), io.Discard, &errOut, time.Second); err != nil || code != 1 || !strings.Contains(errOut.String(), "error: asked to fail") {
		t.Fatalf("failing command: code %d err %v stderr %q", code, err, errOut.String())
	}
	lock.Release()
}

// TestSocketServesOnlyItsUserAndRoot opens the socket's file mode on purpose
// and connects as another user: the peer check alone must refuse it.
func TestSocketServesOnlyItsUserAndRoot(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to connect as another user")
	}
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatalf("curl: %v", err)
	}
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	dir := t.TempDir()
	srv, err := Listen(app, dir, echoCommands, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	socket := filepath.Join(dir, SocketFile)
	// Only the mode bits are opened; the peer check stays.
	for _, d := range []string{filepath.Dir(dir), dir} { // t.TempDir's parent is private too
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(socket, 0o666); err != nil {
		t.Fatal(err)
	}
	run := func(cred *syscall.Credential) string {
		cmd := exec.Command(curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", socket,
			"-H", "Content-Type: application/json", "--data", `{"args":["echo","hi"]}`, "http://rekan-admin/run")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("curl as %v: %v", cred, err)
		}
		return string(out)
	}
	if got := run(&syscall.Credential{Uid: 65534, Gid: 65534}); got != "403" {
		t.Errorf("another user got %s, want 403", got)
	}
	if got := run(nil); got != "200" {
		t.Errorf("root got %s, want 200", got)
	}
}

// TestSocketInALongDataDir: a data directory whose socket path does not fit
// sun_path (a deep checkout, a build sandbox) must still serve and forward
// commands, and Close must remove the socket from that directory.
func TestSocketInALongDataDir(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	dir := filepath.Join(t.TempDir(), strings.Repeat("a-long-folder-name/", 6))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if n := len(filepath.Join(dir, SocketFile)); n < maxSocketPath {
		t.Fatalf("the test path is only %d bytes; it must exceed sun_path", n)
	}
	srv, err := Listen(app, dir, echoCommands, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("listen in a long data dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, SocketFile)); err != nil {
		t.Fatalf("the socket is not in the data dir: %v", err)
	}
	var out strings.Builder
	code, err := forward(dir, []string{"echo", "long"}, "", &out, io.Discard)
	if err != nil || code != 0 || out.String() != "long|" {
		t.Fatalf("forward through a long path: code %d err %v out %q", code, err, out.String())
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, SocketFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Close left the socket behind: %v", err)
	}
}
