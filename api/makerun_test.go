package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/stack"
)

// `make run` serves where ADDR says (README, "The two commands"); run-api
// is its serving half, given the binary the tests built. stack runs make
// as the server's launcher, so the test sees make's own way of starting it.
func TestMakeRunTakesTheAddress(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is needed: ", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	s, err := stack.StartServer(context.Background(), stack.ServerConfig{
		Command: []string{"make", "-C", root, "--no-print-directory", "run-api",
			"BIN=" + filepath.Dir(binary), "ADDR=" + addr, "PB_DATA=" + t.TempDir()},
		Port: port, DataDir: t.TempDir(), Env: stack.Env(stack.NoRuntime, "MAKEFLAGS="), Ready: stack.Listening,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop(5 * time.Second) })
	if !strings.Contains(s.Log(), "Rekan on http://"+addr) {
		t.Errorf("make run does not say where it serves:\n%s", s.Log())
	}
}
