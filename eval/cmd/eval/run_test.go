package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/judges"
	"github.com/rekan/rekan/eval/profiles"
)

// craftedRun builds a run whose verdicts are given per business as
// criterion -> statuses (one per post), so diffs and reports can be checked
// against known numbers.
func craftedRun(id string, spec map[string]map[judges.Criterion][]judges.Status) *Run {
	price := 42.0
	run := &Run{
		Format: runFormat, ID: id, StartedAt: time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC),
		Options: RunOptions{Judges: true, Count: 2, Chain: 1, Concurrency: 4},
		Models:  Models{Writer: "writer-m", Judges: []judges.Judge{{Client: "JudgeA", Model: "m-a"}, {Client: "JudgeB", Model: "m-b"}}},
	}
	ids := make([]string, 0, len(spec))
	for bid := range spec {
		ids = append(ids, bid)
	}
	sortStrings(ids)
	for _, bid := range ids {
		crit := spec[bid]
		prof := profiles.Profile{ID: bid, Brief: "briefing de " + bid, Business: content.Business{
			Name: "Negócio " + bid, Segment: "seg", City: "Recife", State: "PE",
			Services: []content.Offering{{Name: "serviço", PriceBRL: &price}}, Facts: []string{"fato"},
		}}
		g := Generation{Brief: prof.Brief, Roles: []content.Role{content.RoleProduct, content.RoleBackstage}, Model: "writer-m"}
		for i := 0; i < 2; i++ {
			post := PostRun{
				Post: content.Post{Role: content.RoleProduct, Hook: "Gancho " + bid, Caption: "Legenda <b>" + bid + "</b> & cia", Hashtags: []string{"#recife"}, ProductionNote: "luz da janela"},
				Checks: []checks.Result{
					{ID: "hashtags", Label: "Hashtags", Passed: i == 0, Severity: checks.SeverityError, Reason: "poucas"},
				},
			}
			for _, c := range judges.PostCriteria {
				if st, ok := crit[c]; ok {
					post.Verdicts = append(post.Verdicts, verdictWith(c, st[i]))
				}
			}
			g.Posts = append(g.Posts, post)
		}
		if st, ok := crit[judges.Variety]; ok {
			v := verdictWith(judges.Variety, st[0])
			g.Variety = &v
		}
		run.Businesses = append(run.Businesses, BusinessRun{Profile: prof, Generations: []Generation{g}})
	}
	return run
}

func verdictWith(c judges.Criterion, s judges.Status) judges.Verdict {
	a := judges.Vote{Judge: "JudgeA", Model: "m-a", Pass: s == judges.StatusPass, Reasoning: "A acha <script>alert(1)</script> " + string(s)}
	b := judges.Vote{Judge: "JudgeB", Model: "m-b", Pass: s == judges.StatusPass, Reasoning: "B concorda"}
	if s == judges.StatusError {
		a = judges.Vote{Judge: "JudgeA", Model: "m-a", Error: "llm provider failed: 502"}
		b = judges.Vote{Judge: "JudgeB", Model: "m-b", Error: "llm provider failed: 502"}
	}
	return judges.Decide(c, []judges.Vote{a, b})
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

const (
	P = judges.StatusPass
	F = judges.StatusFail
	E = judges.StatusError
)

func TestRunRoundTrip(t *testing.T) {
	run := craftedRun("r1", map[string]map[judges.Criterion][]judges.Status{
		"a": {judges.Hook: {P, F}, judges.Variety: {E}},
		"b": {judges.Naturalness: {P, P}},
	})
	dir := t.TempDir()
	path, err := saveRun(dir, run)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "r1.json" {
		t.Fatalf("saved as %s", path)
	}
	got, err := loadRun(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, run) {
		t.Fatalf("round trip changed the run:\nsaved  %+v\nloaded %+v", run, got)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".run-*"))
	if len(leftovers) != 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
	// The format is the contract: field names others read.
	raw, _ := os.ReadFile(path)
	for _, key := range []string{`"format": 1`, `"businesses"`, `"generations"`, `"verdicts"`, `"votes"`, `"reasoning"`, `"production_note"`, `"checks"`, `"usage": null`, `"duration_ms"`} {
		if !bytes.Contains(raw, []byte(key)) {
			t.Errorf("run file lacks %s", key)
		}
	}
}

func TestLoadRunRejects(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := map[string]string{
		"garbage.json": "not json",
		"future.json":  `{"format": 99, "businesses": [{}]}`,
		"empty.json":   `{"format": 1, "businesses": []}`,
	}
	for name, body := range tests {
		if _, err := loadRun(write(name, body)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: want an error naming the file, got %v", name, err)
		}
	}
	if _, err := loadRun(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestDiffMarksImprovementsAndRegressions(t *testing.T) {
	a := craftedRun("ra", map[string]map[judges.Criterion][]judges.Status{
		"acai":   {judges.Hook: {P, F}, judges.Naturalness: {P, P}, judges.Variety: {F}},
		"barber": {judges.Hook: {P, P}},
		"gone":   {judges.Hook: {P, P}},
	})
	b := craftedRun("rb", map[string]map[judges.Criterion][]judges.Status{
		"acai":   {judges.Hook: {P, P}, judges.Naturalness: {P, E}, judges.Variety: {F}},
		"barber": {judges.Hook: {F, P}},
		"new":    {judges.Hook: {P, P}},
	})
	rows := diffRuns(a, b)
	find := func(business, metric string) DiffRow {
		for _, r := range rows {
			if r.Business == business && r.Metric == metric {
				return r
			}
		}
		t.Fatalf("no row %s/%s in %+v", business, metric, rows)
		return DiffRow{}
	}
	cases := []struct {
		business, metric string
		want             Change
	}{
		{"acai", "hook", Improved},
		{"acai", "naturalness", Regressed}, // an error verdict counts against
		{"acai", "variety", Same},
		{"acai", "checks", Same},
		{"barber", "hook", Regressed},
		{"gone", "hook", OnlyInA},
		{"new", "hook", OnlyInB},
		{"TOTAL", "hook", Same}, // 5/6 -> 5/6 over different businesses
		{"TOTAL", "naturalness", Regressed},
	}
	for _, c := range cases {
		if got := find(c.business, c.metric).Change; got != c.want {
			t.Errorf("%s/%s = %s, want %s", c.business, c.metric, got, c.want)
		}
	}
	var out bytes.Buffer
	improved, regressed := writeDiff(&out, a, b, "a.json", "b.json")
	if improved != 1 || regressed != 3 {
		t.Errorf("writeDiff counted %d improved, %d regressed; want 1 and 3", improved, regressed)
	}
	text := out.String()
	for _, want := range []string{"acai", "REGRESSED", "improved", "only in A", "only in B", "1 improved, 3 regressed"} {
		if !strings.Contains(text, want) {
			t.Errorf("diff output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "acai    variety") {
		t.Errorf("unchanged per-business rows should only be counted:\n%s", text)
	}
}

func TestSummaryTable(t *testing.T) {
	run := craftedRun("r", map[string]map[judges.Criterion][]judges.Status{
		"acai": {judges.Hook: {P, F}, judges.Naturalness: {E, P}, judges.Variety: {P}},
	})
	if got := statsOf(run).Businesses[0].FailedVotes; got != 2 {
		t.Errorf("FailedVotes = %d, want the 2 of the error verdict", got)
	}
	var out bytes.Buffer
	writeSummary(&out, run)
	text := out.String()
	for _, want := range []string{"BUSINESS", "naturalness", "acai", "1/2", "1/1+1e", "FAILED VOTES", "TOTAL",
		// 3 of 5 verdicts pass, but the second post fails an error-level check
		// (hashtags): its passing naturalness verdict counts as a fail.
		"score: 40.0% of judge verdicts passed"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
}

func TestOpening(t *testing.T) {
	if opening("Hoje tem BOLO! 🎂 de fubá") != opening("hoje tem bolo de fubá, viu") {
		t.Error("openings differing only in case, punctuation and emoji should match")
	}
	if opening("Hoje tem bolo de fubá") == opening("Ontem teve bolo de fubá") {
		t.Error("different openings should not match")
	}
}

// The report must be a well-formed document (parsed here as XML, which is
// stricter than HTML) holding every business, escaping what the LLM wrote.
func TestReportParsesAndHoldsEveryBusiness(t *testing.T) {
	run := craftedRun("rep", map[string]map[judges.Criterion][]judges.Status{
		"acai":    {judges.Hook: {P, F}, judges.Naturalness: {E, P}, judges.Variety: {P}},
		"barber":  {judges.Hook: {P, P}, judges.Specificity: {F, F}, judges.Actionability: {P, E}},
		"costura": {judges.Hook: {E, E}},
	})
	var buf bytes.Buffer
	if err := writeReport(&buf, run); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if strings.Contains(html, "<script>") || strings.Contains(html, "<b>acai") {
		t.Fatal("LLM text reached the report unescaped")
	}
	dec := xml.NewDecoder(strings.NewReader(strings.Replace(html, "<!DOCTYPE html>", "", 1)))
	dec.Strict = true
	sections := map[string]bool{}
	rects := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("report is not well formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "section":
				for _, a := range se.Attr {
					if a.Name.Local == "data-profile" {
						sections[a.Value] = true
					}
				}
			case "rect":
				rects++
			}
		}
	}
	for _, br := range run.Businesses {
		if !sections[br.Profile.ID] {
			t.Errorf("report has no section for %s", br.Profile.ID)
		}
	}
	if rects != 4*6 {
		t.Errorf("chart has %d bars, want 4 per metric for checks + 5 criteria", rects)
	}
	for _, want := range []string{"vote failed: llm provider failed: 502", "B concorda", "A acha &lt;script&gt;", "luz da janela", "not reported by the runtime", "variety"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
