package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadDotenvNeverOverrides(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	body := strings.Join([]string{
		"# comment",
		"REKAN_EVAL_TEST_SET=from-file",
		"export REKAN_EVAL_TEST_NEW=\"quoted # not a comment\"",
		"REKAN_EVAL_TEST_PLAIN=value # trailing comment",
		"REKAN_EVAL_TEST_EMPTY_REAL=from-file",
		"",
	}, "\n")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("REKAN_EVAL_TEST_SET", "from-env")
	t.Setenv("REKAN_EVAL_TEST_EMPTY_REAL", "")
	for _, k := range []string{"REKAN_EVAL_TEST_NEW", "REKAN_EVAL_TEST_PLAIN"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	if err := loadDotenv(path); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"REKAN_EVAL_TEST_SET":        "from-env",
		"REKAN_EVAL_TEST_NEW":        "quoted # not a comment",
		"REKAN_EVAL_TEST_PLAIN":      "value",
		"REKAN_EVAL_TEST_EMPTY_REAL": "",
	}
	for k, v := range want {
		if got := os.Getenv(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if err := loadDotenv(filepath.Join(t.TempDir(), "missing")); err != nil {
		t.Errorf("a missing .env is fine, got %v", err)
	}
	bad := filepath.Join(t.TempDir(), ".env")
	os.WriteFile(bad, []byte("NOT A LINE\n"), 0o600)
	if err := loadDotenv(bad); err == nil || !strings.Contains(err.Error(), ":1:") {
		t.Errorf("want a line-numbered error, got %v", err)
	}
}
