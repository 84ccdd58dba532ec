package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// With no SMTP server configured and no sendmail, a login from a new
// device used to try PocketBase's login alert mail and log a warning each
// time; the server says once at start that mails are off instead.
func TestServeNoMailNoiseWithoutSMTP(t *testing.T) {
	data := t.TempDir()
	superuserUpsert(t, data)
	if r := runCLI(t, data, "", "operator", "add", "ana@example.com", "a-long-password"); r.code != 0 {
		t.Fatalf("operator add: %+v", r)
	}
	// PATH without sendmail (none of PocketBase's fixed paths exists here either).
	s := startServerUntil(t, t.TempDir(), data, []string{"REKAN_BAML_CLI=/nonexistent"}, "/api/health")
	for _, agent := range []string{"phone", "laptop", "tablet"} {
		status, _, body := send(t, from("127.0.0.1"), "POST", s.base+"/api/collections/users/auth-with-password",
			map[string]string{"User-Agent": agent}, `{"identity":"ana@example.com","password":"a-long-password"}`)
		if status != 200 {
			t.Fatalf("login from %s: %d %s", agent, status, body)
		}
	}
	_, _, body := send(t, from("127.0.0.1"), "POST", s.base+"/api/collections/_superusers/auth-with-password", nil, suLogin)
	var login struct{ Token string }
	if err := json.Unmarshal([]byte(body), &login); err != nil || login.Token == "" {
		t.Fatalf("superuser login: %s", body)
	}
	// The admin UI's logs are written in batches; wait for the logins' own
	// request entries, then look for mail warnings among them.
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, _, logs := send(t, from("127.0.0.1"), "GET", s.base+"/api/logs?perPage=200&sort=-created", map[string]string{"Authorization": login.Token}, "")
		if strings.Contains(strings.ToLower(logs), "alert") || strings.Contains(strings.ToLower(logs), "sendmail") {
			t.Fatalf("mail warnings in the logs:\n%.2000s", logs)
		}
		if strings.Count(logs, "auth-with-password") >= 3 || time.Now().After(deadline) {
			if strings.Count(logs, "auth-with-password") < 3 {
				t.Fatalf("the logins never reached the logs:\n%.2000s", logs)
			}
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(s.Log(), "mails are not sent") {
		t.Errorf("no start-up line about mails being off:\n%s", s.Log())
	}
}
