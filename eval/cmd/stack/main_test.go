package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/stack"
)

// Without -api the command serves only the fake; it prints where, writes
// the same line to -json, and stops (closing the fake) when stdin closes.
func TestFakeOnlyUntilStdinCloses(t *testing.T) {
	stdinR, stdinW := io.Pipe()
	outR, outW := io.Pipe()
	jsonFile := filepath.Join(t.TempDir(), "stack.json")
	done := make(chan error, 1)
	go func() { done <- run([]string{"-stdin", "-json", jsonFile, "-operator", "ana"}, stdinR, outW) }()

	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var info stack.Info
	if err := json.Unmarshal([]byte(line), &info); err != nil || info.FakeURL == "" || info.URL != info.FakeURL {
		t.Fatalf("info %q: %v", line, err)
	}
	if info.ServerURL != "" || info.DataDir != "" {
		t.Errorf("a server in a fake-only stack: %+v", info)
	}
	if saved, err := os.ReadFile(jsonFile); err != nil || string(saved) != line {
		t.Errorf("-json file %q (%v), stdout %q", saved, err, line)
	}
	res, err := http.Get(info.FakeURL + "/_fake/health")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("fake health: %v %v", res, err)
	}
	res.Body.Close()

	stdinW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the stack outlived its stdin")
	}
	if _, err := http.Get(info.FakeURL + "/_fake/health"); err == nil {
		t.Error("the fake still answers after the stop")
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-fault", "no-such-fault"}, {"-caddy", "caddy", "-api", "/nonexistent"}, {"-nope"}} {
		err := run(args, strings.NewReader(""), io.Discard)
		if err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
