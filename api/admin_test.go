package main

import (
	"archive/zip"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/stack"
	"github.com/rekan/rekan/eval/stack/durability"
)

func cli(t *testing.T, data string, args ...string) (int, string) {
	t.Helper()
	code, out, err := stack.CLI(binary, data, stack.Env(stack.NoRuntime), "", args...)
	if err != nil {
		t.Fatal(err)
	}
	return code, out
}

func startDurable(t *testing.T, data string) *stack.Server {
	t.Helper()
	s, err := stack.StartServer(context.Background(), stack.ServerConfig{
		Binary: binary, DataDir: data, Env: stack.Env(stack.NoRuntime), Ready: stack.Listening,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Kill)
	return s
}

// TestAdminCommandDirectAndThroughServer: with no server the admin command
// opens the data directory itself; with a server up it goes through the
// server's socket (the server logs it), exit codes and stdin included; a
// socket left by a SIGKILLed server does not get in the way.
func TestAdminCommandDirectAndThroughServer(t *testing.T) {
	data := t.TempDir()
	if code, out := cli(t, data, "operator", "add", "alice@example.com", "a-long-password"); code != 0 {
		t.Fatalf("direct operator add: %d %s", code, out)
	}
	if code, out := cli(t, data, "superuser", "upsert", "root@example.com", "a-long-password"); code != 0 || !strings.Contains(out, "superuser root@example.com saved") {
		t.Fatalf("direct superuser upsert: %d %s", code, out)
	}

	s := startDurable(t, data)
	if info, err := os.Stat(filepath.Join(data, "admin.sock")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("admin socket: %v %v", info, err)
	}
	steps := []struct {
		name  string
		stdin string
		args  []string
		code  int
		out   string
	}{
		{"add through the server", "", []string{"operator", "add", "bob@example.com", "bob-password-1"}, 0, "operator bob@example.com created"},
		{"an error keeps its exit code", "", []string{"operator", "add", "bob@example.com", "bob-password-1"}, 1, "already exists"},
		{"bad arguments", "", []string{"operator", "add", "carol@example.com"}, 1, "expected 2 argument(s), got 1"},
		{"password on stdin", "carol-password-1\n", []string{"operator", "add", "carol@example.com", "-"}, 0, "operator carol@example.com created"},
		{"list sees what the server wrote", "", []string{"operator", "list"}, 0, "alice@example.com\nbob@example.com\ncarol@example.com\n"},
		{"superuser through the server", "", []string{"superuser", "upsert", "admin@example.com", "another-long-password"}, 0, "superuser admin@example.com saved"},
		{"superuser update of nobody", "", []string{"superuser", "update", "nobody@example.com", "another-long-password"}, 1, "no superuser with email nobody@example.com"},
		{"superuser create", "", []string{"superuser", "create", "second@example.com", "another-long-password"}, 0, "superuser second@example.com created"},
		{"superuser create twice", "", []string{"superuser", "create", "second@example.com", "another-long-password"}, 1, "already exists"},
		{"superuser short password", "", []string{"superuser", "update", "second@example.com", "short"}, 1, "save superuser"},
		{"superuser delete", "", []string{"superuser", "delete", "second@example.com"}, 0, "superuser second@example.com deleted"},
		{"superuser bad email", "", []string{"superuser", "upsert", "not-an-email", "another-long-password"}, 1, `invalid email "not-an-email"`},
		{"migrate refuses", "", []string{"migrate", "up"}, 1, "a Rekan server is running on"},
	}
	for _, st := range steps {
		code, out, err := stack.CLI(binary, data, stack.Env(stack.NoRuntime), st.stdin, st.args...)
		if err != nil {
			t.Fatal(err)
		}
		if code != st.code || !strings.Contains(out, st.out) {
			t.Errorf("%s: exit %d %q; want exit %d ~%q", st.name, code, out, st.code, st.out)
		}
	}
	// The superuser written through the server logs in over HTTP, and the
	// server's log shows it ran the commands.
	admin, _, err := stack.Login(context.Background(), s.Base, "_superusers", "admin@example.com", "another-long-password")
	if err != nil {
		t.Fatalf("login as the superuser created through the server: %v", err)
	}
	waitAdminLog(t, admin, "operator add", "operator list", "superuser upsert")

	// SIGKILL leaves the socket file behind; the command must not wait on it.
	s.Kill()
	if _, err := os.Stat(filepath.Join(data, "admin.sock")); err != nil {
		t.Fatalf("expected a stale socket after SIGKILL: %v", err)
	}
	started := time.Now()
	if code, out := cli(t, data, "operator", "list"); code != 0 || !strings.Contains(out, "carol@example.com") {
		t.Errorf("direct list after SIGKILL: %d %s", code, out)
	}
	if waited := time.Since(started); waited > 10*time.Second {
		t.Errorf("the stale socket held the command for %v", waited)
	}
	// A new server replaces the stale socket and answers on it again.
	s = startDurable(t, data)
	if code, out := cli(t, data, "operator", "remove", "carol@example.com"); code != 0 || !strings.Contains(out, "removed") {
		t.Errorf("remove through the restarted server: %d %s", code, out)
	}
	admin.Base = s.Base
	waitAdminLog(t, admin, "operator remove")
}

// waitAdminLog waits until the server's log (PocketBase's logs, written in
// batches every few seconds) holds an "admin command" entry for each of
// commands.
func waitAdminLog(t *testing.T, su *stack.Client, commands ...string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var list struct {
			Items []struct {
				Data struct {
					Command string `json:"command"`
				} `json:"data"`
			} `json:"items"`
		}
		q := url.Values{"filter": {`message = "admin command"`}, "perPage": {"200"}}
		if _, err := su.Do(context.Background(), "GET", "/api/logs?"+q.Encode(), nil, &list); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, it := range list.Items {
			seen[it.Data.Command] = true
		}
		missing := slices.DeleteFunc(slices.Clone(commands), func(c string) bool { return seen[c] })
		if len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server never logged running %v (logged %v)", missing, seen)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestBackupRestore takes a backup through the API, checks what the archive
// holds, changes the data, restores through the API and finds the backed-up
// state again (PocketBase restarts the process in place).
func TestBackupRestore(t *testing.T) {
	data := t.TempDir()
	if err := durability.Prepare(binary, data, stack.Env(stack.NoRuntime)); err != nil {
		t.Fatal(err)
	}
	s := startDurable(t, data)
	root, _, err := stack.Login(context.Background(), s.Base, "_superusers", durability.SuperuserEmail, durability.Password)
	if err != nil {
		t.Fatal(err)
	}
	_, owner, err := stack.Login(context.Background(), s.Base, "users", durability.OperatorEmail, durability.Password)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	create := func(name string) string {
		var rec struct {
			ID string `json:"id"`
		}
		if _, err := root.Do(ctx, "POST", "/api/collections/businesses/records", durability.Business(owner, name), &rec); err != nil {
			t.Fatal(err)
		}
		return rec.ID
	}
	before := create("antes do backup")
	// An uploaded file, where PocketBase keeps them.
	upload := filepath.Join(data, "storage", "col", "rec", "foto.txt")
	writeFile(t, upload, "bolo")

	if _, err := root.Do(ctx, "POST", "/api/backups", map[string]string{"name": "b1.zip"}, nil); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(filepath.Join(data, "backups", "b1.zip"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	zr.Close()
	for _, want := range []string{"data.db", "auxiliary.db", "storage/col/rec/foto.txt"} {
		if !slices.Contains(names, want) {
			t.Errorf("backup lacks %s: %v", want, names)
		}
	}
	for _, name := range names {
		if strings.HasSuffix(name, "-wal") || strings.HasSuffix(name, "-shm") || name == "rekan.lock" || name == "admin.sock" || strings.HasPrefix(name, "backups/") || strings.HasPrefix(name, ".pb_temp") {
			t.Errorf("backup holds %s: %v", name, names)
		}
	}

	after := create("depois do backup")
	if err := os.Remove(upload); err != nil {
		t.Fatal(err)
	}
	if _, err := root.Do(ctx, "POST", "/api/backups/b1.zip/restore", nil, nil); err != nil {
		t.Fatal(err)
	}
	// The restore runs a second later and re-executes the server.
	deadline := time.Now().Add(30 * time.Second)
	restored := false
	for time.Now().Before(deadline) && !restored {
		time.Sleep(200 * time.Millisecond)
		status, _ := root.Do(ctx, "GET", "/api/collections/businesses/records/"+after, nil, nil)
		restored = status == 404
	}
	if !restored {
		t.Fatalf("the business created after the backup is still there; logs:\n%s", s.Log())
	}
	if err := s.WaitReady(context.Background(), stack.Listening, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := root.Do(ctx, "GET", "/api/collections/businesses/records/"+before, nil, nil); err != nil {
		t.Errorf("the backed-up business: %v", err)
	}
	if raw, err := os.ReadFile(upload); err != nil || string(raw) != "bolo" {
		t.Errorf("uploaded file after restore: %q %v", raw, err)
	}
	// The re-executed server holds the lock and answers on the socket.
	if code, out := cli(t, data, "operator", "list"); code != 0 || !strings.Contains(out, durability.OperatorEmail) {
		t.Errorf("operator list after restore: %d %s", code, out)
	}
	waitAdminLog(t, root, "operator list")
}
