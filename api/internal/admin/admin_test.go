package admin

import (
	"testing"
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
