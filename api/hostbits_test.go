package main

import (
	"context"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/stack"
)

// serveRefused runs `api serve` with env, expecting it to refuse to start,
// and returns its exit code and output.
func serveRefused(t *testing.T, dataDir string, env ...string) (int, string) {
	t.Helper()
	code, out, err := stack.Refused(context.Background(), stack.ServerConfig{
		Binary: binary, DataDir: dataDir, WorkDir: t.TempDir(), Env: stack.Env(env...),
	})
	if err != nil {
		t.Fatalf("serve with %v: %v", env, err)
	}
	return code, out
}

// REKAN_ADMIN_ALLOWED_IPS=127.0.0.1/0 (host bits set, a likely typo for /32)
// started silently and opened the admin to everyone: the start is refused,
// naming the entry.
func TestServeRefusesAdminPrefixWithHostBits(t *testing.T) {
	for _, entry := range []string{"127.0.0.1/0", "10.1.2.3/8", "2001:db8::1/32"} {
		code, out := serveRefused(t, t.TempDir(), stack.NoRuntime, "REKAN_ADMIN_ALLOWED_IPS=127.0.0.0/8, "+entry)
		if code == 0 || !strings.Contains(out, entry) || !strings.Contains(out, "REKAN_ADMIN_ALLOWED_IPS") {
			t.Errorf("REKAN_ADMIN_ALLOWED_IPS with %s: exit %d\n%s", entry, code, out)
		}
	}
}
