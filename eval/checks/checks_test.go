package checks_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

// goodPost passes every check; tests change one thing at a time.
func goodPost() content.Post {
	return content.Post{
		Role: content.RoleProduct,
		Hook: "Saiu do forno o bolo de casamento da Carla e do Pedro.",
		Caption: "Saiu do forno o bolo de casamento da Carla e do Pedro.\n\n" +
			"Três andares de massa de baunilha com recheio de doce de leite, cobertura rosa e detalhes dourados feitos à mão. " +
			"A gente levou dois dias entre montar, gelar e decorar 🎂 e valeu cada minuto.\n\n" +
			"Encomendas de bolo de casamento pelo WhatsApp com 10 dias de antecedência.",
		Hashtags:       []string{"#docesdalu", "#bolodecasamento", "#confeitariabh", "#santatereza", "#casamentobh"},
		ProductionNote: "Foto vertical do bolo inteiro na mesa da festa, de frente, com luz natural da janela.",
	}
}

// goodContext is the profile and brief goodPost was written from.
func goodContext() checks.Context {
	price := 145.0
	return checks.Context{
		Business: content.Business{
			Name: "Doces da Lu", Segment: "confeitaria", City: "Belo Horizonte", State: "MG",
			Neighbourhood: "Santa Tereza", Phone: "5531999990000",
			Services: []content.Offering{{Name: "bolo de casamento (por quilo)", PriceBRL: &price}},
			Facts:    []string{"usa doce de leite de Carmo do Cajuru"},
			Notes:    "encomendas com 10 dias de antecedência",
		},
		Brief: "fiz o bolo de casamento da Carla e do Pedro: três andares, rosa e dourado",
	}
}

// inputOf checks p against goodContext.
func inputOf(p content.Post) checks.Input {
	return checks.Input{Post: p, Context: goodContext()}
}

func result(t *testing.T, p content.Post, id string) checks.Result {
	t.Helper()
	return resultIn(t, inputOf(p), id)
}

func resultIn(t *testing.T, in checks.Input, id string) checks.Result {
	t.Helper()
	r, ok := checks.Find(checks.Run(in), id)
	if !ok {
		t.Fatalf("no result for %s", id)
	}
	return r
}

// want describes an expected outcome: passed, or failed with a severity.
type want struct {
	passed   bool
	severity checks.Severity
	// inReason must appear in the reason (case-sensitive), when set.
	inReason string
}

var (
	pass = want{passed: true}
	warn = want{severity: checks.SeverityWarning}
	fail = want{severity: checks.SeverityError}
)

func (w want) with(s string) want { w.inReason = s; return w }

func assertResult(t *testing.T, name string, r checks.Result, w want) {
	t.Helper()
	if r.Passed != w.passed {
		t.Errorf("%s: passed=%v, want %v (reason: %s)", name, r.Passed, w.passed, r.Reason)
		return
	}
	if !w.passed && r.Severity != w.severity {
		t.Errorf("%s: severity %q, want %q (reason: %s)", name, r.Severity, w.severity, r.Reason)
	}
	if r.Reason == "" {
		t.Errorf("%s: empty reason", name)
	}
	if w.inReason != "" && !strings.Contains(r.Reason, w.inReason) {
		t.Errorf("%s: reason %q lacks %q", name, r.Reason, w.inReason)
	}
}

func TestGoodPostPassesEverything(t *testing.T) {
	for _, r := range checks.Run(inputOf(goodPost())) {
		if !r.Passed {
			t.Errorf("%s failed: %s", r.ID, r.Reason)
		}
	}
}

func TestRunReportsEveryCheckInOrder(t *testing.T) {
	wantIDs := []string{"caption_length", "hashtags", "brazilian_portuguese", "production_note", "no_links", "engagement_bait", "emoji_density",
		"nothing_invented", "specific_to_business", "no_stock_phrases", "new_hook", "distinct_posts", "role_fulfilled",
		"claims_backed", "business_name", "addresses_brief", "tone"}
	if !reflect.DeepEqual(checks.IDs(), wantIDs) {
		t.Fatalf("IDs %v", checks.IDs())
	}
	for _, p := range []content.Post{goodPost(), {}} {
		rs := checks.Run(inputOf(p))
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.ID)
			if r.Label == "" || r.Reason == "" {
				t.Errorf("%s: empty label or reason: %+v", r.ID, r)
			}
			if r.Severity != checks.SeverityError && r.Severity != checks.SeverityWarning {
				t.Errorf("%s: severity %q", r.ID, r.Severity)
			}
		}
		if !reflect.DeepEqual(ids, wantIDs) {
			t.Errorf("order %v", ids)
		}
	}
}

func TestResultJSONShape(t *testing.T) {
	data, err := json.Marshal(checks.Run(checks.Input{})[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"id", "label", "passed", "severity", "reason"} {
		if _, ok := m[key]; !ok {
			t.Errorf("JSON lacks %q: %s", key, data)
		}
	}
	if len(m) != 5 {
		t.Errorf("unexpected keys: %s", data)
	}
	if m["id"] != "caption_length" || m["passed"] != false || m["severity"] != "error" || m["reason"] != "Legenda vazia." {
		t.Errorf("empty caption result: %s", data)
	}
}

func TestEmptyPostFailsWithErrors(t *testing.T) {
	rs := checks.Run(checks.Input{})
	if checks.AllPassed(rs) {
		t.Fatal("an empty post passed")
	}
	for _, id := range []string{"caption_length", "hashtags", "production_note"} {
		if r, _ := checks.Find(rs, id); r.Passed || r.Severity != checks.SeverityError {
			t.Errorf("%s: %+v", id, r)
		}
	}
}

func TestAllPassedAndFailed(t *testing.T) {
	warnOnly := []checks.Result{
		{ID: "a", Passed: true, Severity: checks.SeverityError},
		{ID: "b", Passed: false, Severity: checks.SeverityWarning},
	}
	if !checks.AllPassed(warnOnly) {
		t.Error("a failed warning blocked the post")
	}
	withError := append(warnOnly, checks.Result{ID: "c", Passed: false, Severity: checks.SeverityError})
	if checks.AllPassed(withError) {
		t.Error("a failed error did not block the post")
	}
	if got := checks.Failed(withError); len(got) != 2 || got[0].ID != "b" || got[1].ID != "c" {
		t.Errorf("Failed: %+v", got)
	}
	if !checks.AllPassed(nil) {
		t.Error("no results should pass")
	}
	if _, ok := checks.Find(withError, "zzz"); ok {
		t.Error("Find found a missing ID")
	}
}

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Café":           "cafe",
		"AÇÃO":           "acao",
		"cafe\u0301":     "cafe",
		"Pão de Queijo!": "pao de queijo!",
		"über":           "uber",
	}
	for in, want := range cases {
		if got := checks.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
