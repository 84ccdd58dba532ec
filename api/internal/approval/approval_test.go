package approval

import (
	"encoding/base64"
	"testing"
	"time"
)

func TestTokens(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		token, hash, err := newToken()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || len(raw)*8 < 128 {
			t.Fatalf("token %q: %d bits, %v", token, len(raw)*8, err)
		}
		if seen[token] || hash != HashToken(token) || len(hash) != 64 || hash == token {
			t.Fatalf("token %q hash %q", token, hash)
		}
		seen[token] = true
	}
}

func TestTTLFromEnv(t *testing.T) {
	for raw, want := range map[string]time.Duration{"": DefaultTTL, "48h": 48 * time.Hour} {
		got, err := TTLFromEnv(func(string) string { return raw })
		if err != nil || got != want {
			t.Errorf("TTLFromEnv(%q) = %v, %v", raw, got, err)
		}
	}
	for _, raw := range []string{"30", "-1h", "0s", "trinta dias"} {
		if _, err := TTLFromEnv(func(string) string { return raw }); err == nil {
			t.Errorf("TTLFromEnv(%q) accepted", raw)
		}
	}
}
