package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// `make run` serves where ADDR says (README, "The two commands"); run-api
// is its serving half, given the binary the tests built.
func TestMakeRunTakesTheAddress(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is needed: ", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	cmd := exec.Command("make", "-C", root, "--no-print-directory", "run-api",
		"BIN="+filepath.Dir(binary), "ADDR="+addr, "PB_DATA="+t.TempDir())
	cmd.Env = append(os.Environ(), "REKAN_BAML_CLI=/nonexistent", "MAKEFLAGS=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get("http://" + addr + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				if !strings.Contains(out.String(), "Rekan on http://"+addr) {
					t.Errorf("make run does not say where it serves:\n%s", out.String())
				}
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing answered on %s:\n%s", addr, out.String())
}
