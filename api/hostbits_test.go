package main

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

func serveRefused(t *testing.T, env ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--http", "127.0.0.1:"+strconv.Itoa(freePort(t)), "--dir", t.TempDir())
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "REKAN_BAML_CLI=/nonexistent"}, env...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("serve with %v kept running:\n%s", env, out.String())
	}
	return cmd.ProcessState.ExitCode(), out.String()
}

// REKAN_ADMIN_ALLOWED_IPS=127.0.0.1/0 (host bits set, a likely typo for /32)
// started silently and opened the admin to everyone: the start is refused,
// naming the entry.
func TestServeRefusesAdminPrefixWithHostBits(t *testing.T) {
	for _, entry := range []string{"127.0.0.1/0", "10.1.2.3/8", "2001:db8::1/32"} {
		code, out := serveRefused(t, "REKAN_ADMIN_ALLOWED_IPS=127.0.0.0/8, "+entry)
		if code == 0 || !strings.Contains(out, entry) || !strings.Contains(out, "REKAN_ADMIN_ALLOWED_IPS") {
			t.Errorf("REKAN_ADMIN_ALLOWED_IPS with %s: exit %d\n%s", entry, code, out)
		}
	}
}
