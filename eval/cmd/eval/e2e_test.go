package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/bamlrt/bamlrttest"
	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/fakellm"
	"github.com/rekan/rekan/eval/judges"
	"github.com/rekan/rekan/eval/stack"
)

// These tests run the CLI in process against the real BAML runtime
// (baml-cli serve, started by bamlrt as in production) and fakellm at the
// provider's HTTP boundary.

type harness struct {
	fake    *fakellm.Server
	env     map[string]string
	runsDir string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	cli := bamlrttest.CLI(t)
	fake := fakellm.New()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	env := map[string]string{"REKAN_BAML_CLI": cli, "PATH": os.Getenv("PATH")}
	for _, kv := range stack.FakeEnv(srv.URL) {
		name, value, _ := strings.Cut(kv, "=")
		env[name] = value
	}
	return &harness{fake: fake, env: env, runsDir: t.TempDir()}
}

type result struct {
	code           int
	stdout, stderr string
	run            *Run
	path           string
}

// mustRun is run for a result whose run file the test goes on to read.
func (h *harness) mustRun(t *testing.T, args ...string) result {
	t.Helper()
	res := h.run(t, args...)
	if res.run == nil {
		t.Fatalf("no run saved: exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	return res
}

func (h *harness) run(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args = append([]string{"--runs", h.runsDir, "--quiet"}, args...)
	code := run(context.Background(), args, &stdout, &stderr, func(k string) string { return h.env[k] })
	res := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	for _, line := range strings.Split(res.stdout, "\n") {
		if p, ok := strings.CutPrefix(line, "run saved to "); ok {
			res.path = p
			loaded, err := loadRun(p)
			if err != nil {
				t.Fatalf("saved run does not load: %v", err)
			}
			res.run = loaded
		}
	}
	return res
}

func (h *harness) models() map[string]int {
	counts := map[string]int{}
	for _, r := range h.fake.Requests() {
		counts[r.Model]++
	}
	return counts
}

func allVerdicts(run *Run) []judges.Verdict {
	var out []judges.Verdict
	for _, br := range run.Businesses {
		for _, g := range br.Generations {
			for _, p := range g.Posts {
				out = append(out, p.Verdicts...)
			}
			if g.Variety != nil {
				out = append(out, *g.Variety)
			}
		}
	}
	return out
}

func TestJudgesEndToEnd(t *testing.T) {
	h := newHarness(t)
	res := h.mustRun(t, "--judges", "--profile", "confeitaria-lu,forro-xodo", "--count", "2", "--report")
	if res.code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	if len(res.run.Businesses) != 2 {
		t.Fatalf("run has %d businesses", len(res.run.Businesses))
	}
	// 2 generations, then per business 2 posts x 4 criteria + variety, per judge.
	want := map[string]int{"fake-writer": 2, "fake-judge-a": 18, "fake-judge-b": 18}
	got := h.models()
	for m, n := range want {
		if got[m] != n {
			t.Errorf("provider saw %d requests for %s, want %d (all: %v)", got[m], m, n, got)
		}
	}
	verdicts := allVerdicts(res.run)
	if len(verdicts) != 18 {
		t.Fatalf("%d verdicts, want 18", len(verdicts))
	}
	for _, v := range verdicts {
		if v.Status != judges.StatusPass || len(v.Votes) != 2 {
			t.Fatalf("verdict %+v", v)
		}
		for _, vote := range v.Votes {
			if vote.Reasoning == "" || vote.Failed() || !strings.HasPrefix(vote.Model, "fake-judge-") {
				t.Fatalf("vote not parsed: %+v", vote)
			}
		}
	}
	if res.run.Models.Writer != "fake-writer" || len(res.run.Models.Judges) != 2 {
		t.Errorf("models not recorded: %+v", res.run.Models)
	}
	for _, want := range []string{"confeitaria-lu", "forro-xodo", "variety", "score: 100.0% of judge verdicts passed", "report written to"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, res.stdout)
		}
	}
	html, err := os.ReadFile(strings.TrimSuffix(res.path, ".json") + ".html")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"confeitaria-lu", "forro-xodo"} {
		if !bytes.Contains(html, []byte(`data-profile="`+id+`"`)) {
			t.Errorf("report lacks %s", id)
		}
	}
}

// A judge whose answer does not parse casts a failed vote; the other
// judge's vote decides. A judge answering pass=false fails the criterion.
func TestOneFailingVoteAndOneNegativeVote(t *testing.T) {
	h := newHarness(t)
	h.fake.Enqueue(
		fakellm.Reply{}, // the writer: default posts
		fakellm.Reply{Content: "não consegui avaliar"},
		fakellm.Reply{Content: `{"reasoning": "O gancho serve para qualquer confeitaria.", "pass": false}`},
	)
	res := h.mustRun(t, "--judges", "--profile", "confeitaria-lu", "--count", "1", "--concurrency", "1")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	var failedVotes, negative int
	statuses := map[judges.Status]int{}
	for _, v := range allVerdicts(res.run) {
		statuses[v.Status]++
		for _, vote := range v.Votes {
			if vote.Failed() {
				failedVotes++
				if !strings.Contains(vote.Error, "llm output could not be parsed") {
					t.Errorf("failed vote error = %q", vote.Error)
				}
			} else if !vote.Pass {
				negative++
				if !strings.Contains(vote.Reasoning, "qualquer confeitaria") {
					t.Errorf("negative vote lost its reasoning: %q", vote.Reasoning)
				}
			}
		}
	}
	if failedVotes != 1 || negative != 1 {
		t.Fatalf("want 1 failed and 1 negative vote, got %d and %d", failedVotes, negative)
	}
	// 4 criteria (one post, no variety): the negative vote fails its
	// criterion; the failed vote leaves its criterion to the other judge,
	// which passes by default (or failed it, if both scripted replies went
	// to the same criterion). Either way: one fail, three passes, no error.
	if statuses[judges.StatusFail] != 1 || statuses[judges.StatusError] != 0 || statuses[judges.StatusPass] != 3 {
		t.Fatalf("statuses = %v", statuses)
	}
}

func TestAllVotesFailingIsAnErrorNotAPass(t *testing.T) {
	h := newHarness(t)
	h.fake.Enqueue(fakellm.Reply{}, fakellm.Reply{Content: "sem JSON aqui", Times: 8})
	res := h.mustRun(t, "--judges", "--profile", "unhas-kel", "--count", "1", "--concurrency", "1")
	if res.code != exitFail {
		t.Fatalf("exit %d, want %d\n%s\n%s", res.code, exitFail, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "judge panel gave no verdict") {
		t.Errorf("stderr does not explain: %s", res.stderr)
	}
	for _, v := range allVerdicts(res.run) {
		if v.Status != judges.StatusError || v.Err() == nil {
			t.Fatalf("verdict %s = %s, want error", v.Criterion, v.Status)
		}
	}
	if !strings.Contains(res.stdout, "0/0+1e") {
		t.Errorf("summary should show error verdicts:\n%s", res.stdout)
	}
}

// An HTTP error from the provider is retried by the judge client's policy,
// then recorded as a failed vote naming the provider failure.
func TestProviderErrorVote(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the judge client's retry backoff (~8 s)")
	}
	h := newHarness(t)
	h.fake.Enqueue(fakellm.Reply{}, fakellm.Reply{Status: 500, Times: 5})
	res := h.mustRun(t, "--judges", "--profile", "oficina-irmaos", "--count", "1", "--concurrency", "1")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	failed := 0
	for _, v := range allVerdicts(res.run) {
		for _, vote := range v.Votes {
			if vote.Failed() {
				failed++
				if !strings.Contains(vote.Error, "llm provider failed") {
					t.Errorf("failed vote error = %q", vote.Error)
				}
			}
		}
		if v.Status != judges.StatusPass {
			t.Errorf("%s = %s: the other judge passed, so the verdict passes", v.Criterion, v.Status)
		}
	}
	if failed != 1 {
		t.Fatalf("%d failed votes, want 1", failed)
	}
}

func TestFromRunRejudgesWithoutGenerating(t *testing.T) {
	h := newHarness(t)
	first := h.mustRun(t, "--profile", "acai-belem,pilates-equilibrio", "--count", "2")
	if first.code != exitOK {
		t.Fatalf("first run exit %d: %s", first.code, first.stderr)
	}
	h.fake.Reset()
	h.fake.Enqueue(fakellm.Reply{Content: `{"reasoning": "Genérico demais.", "pass": false}`, Times: 100})
	second := h.mustRun(t, "--from-run", first.path, "--profile", "pilates-equilibrio")
	if second.code != exitOK {
		t.Fatalf("from-run exit %d: %s\n%s", second.code, second.stdout, second.stderr)
	}
	if got := h.models(); got["fake-writer"] != 0 || got["fake-judge-a"] != 9 || got["fake-judge-b"] != 9 {
		t.Fatalf("from-run asked %v, want only 9 calls per judge", got)
	}
	if second.run.Options.FromRun != first.path || !second.run.Options.Judges || len(second.run.Businesses) != 1 {
		t.Fatalf("options = %+v, %d businesses", second.run.Options, len(second.run.Businesses))
	}
	var before []string
	for _, br := range first.run.Businesses {
		if br.Profile.ID == "pilates-equilibrio" {
			for _, p := range br.Generations[0].Posts {
				before = append(before, p.Caption)
			}
		}
	}
	after := second.run.Businesses[0].Generations[0].Posts
	if len(after) != len(before) || after[0].Caption != before[0] || after[1].Caption != before[1] {
		t.Fatal("from-run changed the posts")
	}
	for _, v := range allVerdicts(second.run) {
		if v.Status != judges.StatusFail {
			t.Fatalf("%s = %s, want fail", v.Criterion, v.Status)
		}
	}
	diff := h.run(t, "--diff", first.path, second.path)
	if diff.code != exitOK || !strings.Contains(diff.stdout, "only in B") {
		t.Fatalf("diff exit %d:\n%s%s", diff.code, diff.stdout, diff.stderr)
	}
}

func TestHeuristicsOnEveryProfile(t *testing.T) {
	h := newHarness(t)
	res := h.mustRun(t, "--count", "3", "--report")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if got := h.models(); len(got) != 1 || got["fake-writer"] != 15 {
		t.Fatalf("without --judges only the writer is asked, got %v", got)
	}
	ids := checks.IDs()
	for _, br := range res.run.Businesses {
		g := br.Generations[0]
		if g.Error != "" || len(g.Posts) != 3 {
			t.Fatalf("%s: %d posts, error %q", br.Profile.ID, len(g.Posts), g.Error)
		}
		for _, p := range g.Posts {
			if len(p.Checks) != len(ids) {
				t.Fatalf("%s: %d checks, want %d", br.Profile.ID, len(p.Checks), len(ids))
			}
			for _, c := range p.Checks {
				if c.Reason == "" || c.Label == "" {
					t.Errorf("%s: check %s without label or reason", br.Profile.ID, c.ID)
				}
				// fakellm's default posts are written from the request:
				// they must pass every check, the new ones included.
				if !c.Passed {
					t.Errorf("%s (%s): check %s failed: %s\ncaption: %q", br.Profile.ID, p.Role, c.ID, c.Reason, p.Caption)
				}
			}
			if len(p.Verdicts) != 0 {
				t.Errorf("%s: verdicts without --judges", br.Profile.ID)
			}
		}
	}
	if len(res.run.Businesses) < 12 {
		t.Fatalf("only %d businesses", len(res.run.Businesses))
	}
	if !strings.Contains(res.stdout, "score: 100.0% of heuristic checks passed") {
		t.Errorf("summary:\n%s", res.stdout)
	}
}

func TestChainFeedsHooksForward(t *testing.T) {
	h := newHarness(t)
	res := h.mustRun(t, "--profile", "barbearia-navalha", "--chain", "3", "--count", "2")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	gens := res.run.Businesses[0].Generations
	if len(gens) != 3 {
		t.Fatalf("%d generations", len(gens))
	}
	if len(gens[0].PreviousHooks) != 0 || len(gens[2].PreviousHooks) != 4 {
		t.Fatalf("previous hooks: %d, %d", len(gens[0].PreviousHooks), len(gens[2].PreviousHooks))
	}
	// Newest first, as the server passes them.
	if gens[2].PreviousHooks[0] != gens[1].Posts[1].Hook || gens[2].PreviousHooks[3] != gens[0].Posts[0].Hook {
		t.Fatalf("hooks not fed newest first: %q", gens[2].PreviousHooks)
	}
	if gens[1].Roles[0] == gens[0].Roles[0] {
		t.Errorf("roles should rotate across the chain: %v then %v", gens[0].Roles, gens[1].Roles)
	}
	var writerPrompts []string
	for _, r := range h.fake.Requests() {
		writerPrompts = append(writerPrompts, r.Prompt())
	}
	if len(writerPrompts) != 3 || !strings.Contains(writerPrompts[2], gens[1].Posts[0].Hook) {
		t.Fatalf("the third prompt does not carry the earlier hooks")
	}
	if !strings.Contains(res.stdout, "REUSED OPENINGS") {
		t.Errorf("chain summary lacks reused openings:\n%s", res.stdout)
	}
}

func TestCLIErrors(t *testing.T) {
	h := newHarness(t)
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "quebrado.json"), []byte(`{"id": "quebrado", "name": "X", "state": 35}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"no provider", map[string]string{"REKAN_LLM_API_KEY": ""}, nil, exitFail, "no LLM provider configured"},
		{"unknown profile", nil, []string{"--profile", "padaria-inexistente"}, exitFail, `unknown profile "padaria-inexistente"`},
		{"bad profile file", nil, []string{"--profiles", broken}, exitFail, `quebrado.json: field "state"`},
		{"chain needs one profile", nil, []string{"--chain", "2"}, exitFail, "--chain 2 follows one business"},
		{"count out of range", nil, []string{"--count", "4"}, exitUsage, "--count must be 1-3"},
		{"fail-under out of range", nil, []string{"--fail-under", "80"}, exitUsage, "between 0 and 1"},
		{"diff needs two files", nil, []string{"--diff", "a.json"}, exitUsage, "two run files"},
		{"diff of missing files", nil, []string{"--diff", "a.json", "b.json"}, exitFail, "read run"},
		{"stray argument", nil, []string{"confeitaria-lu"}, exitUsage, "unexpected arguments"},
		{"calibrate without a key", map[string]string{"REKAN_LLM_API_KEY": ""}, []string{"--calibrate"}, exitFail, "no LLM provider configured"},
		{"calibrate against fakellm", nil, []string{"--calibrate"}, exitFail, "--calibrate needs a real provider"},
		{"calibrate runs alone", nil, []string{"--calibrate", "--judges"}, exitUsage, "--calibrate runs alone"},
		{"calibrate falls back to no fake", map[string]string{"REKAN_LLM_API_KEY": ""}, []string{"--fake=auto", "--calibrate"}, exitFail, "--calibrate needs a real provider: REKAN_LLM_API_KEY is empty"},
		{"calibrate refuses --fake", nil, []string{"--fake", "--calibrate"}, exitUsage, "--calibrate never runs against fakellm"},
		{"calibrate refuses --fake-fault", nil, []string{"--fake-fault", "generic", "--calibrate"}, exitUsage, "--calibrate never runs against fakellm"},
		{"unknown fault", nil, []string{"--fake-fault", "typo"}, exitUsage, `unknown --fake-fault "typo"`},
		{"bad fake mode", nil, []string{"--fake=sometimes"}, exitUsage, "want true, false or auto"},
		{"one judge too many", map[string]string{"REKAN_JUDGE_MODELS": "a,b,c"}, []string{"--judges", "--profile", "acai-belem"}, exitFail, "2 seats"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			saved := map[string]string{}
			for k, v := range tt.env {
				saved[k] = h.env[k]
				h.env[k] = v
			}
			defer func() {
				for k, v := range saved {
					h.env[k] = v
				}
			}()
			res := h.run(t, tt.args...)
			if res.code != tt.code || !strings.Contains(res.stderr, tt.want) {
				t.Fatalf("exit %d (want %d), stderr %q lacks %q", res.code, tt.code, res.stderr, tt.want)
			}
			if res.path != "" {
				t.Fatalf("a failed start saved a run: %s", res.path)
			}
		})
	}
}

func TestFailUnder(t *testing.T) {
	h := newHarness(t)
	h.fake.Enqueue(fakellm.Reply{}, fakellm.Reply{Content: `{"reasoning": "Fraco.", "pass": false}`, Times: 8})
	res := h.mustRun(t, "--judges", "--profile", "costura-cida", "--count", "1", "--fail-under", "0.5")
	if res.code != exitBelow || !strings.Contains(res.stderr, "below --fail-under 50.0%") {
		t.Fatalf("exit %d, stderr %s", res.code, res.stderr)
	}
	if res.run == nil {
		t.Fatal("a run below the threshold is still saved")
	}
	ok := h.run(t, "--profile", "costura-cida", "--count", "1", "--fail-under", "0.5")
	if ok.code != exitOK {
		t.Fatalf("checks-only run at 100%% exits %d: %s", ok.code, ok.stderr)
	}
}

// --fake=auto (what `make eval` passes) serves fakellm in process only when
// no provider is configured, and says so loudly; --fake-fault forces the
// fake and plants its mistake.
func TestFakeFlag(t *testing.T) {
	const banner = "Every answer comes from a FAKE provider"
	h := newHarness(t)

	h.env["REKAN_LLM_API_KEY"] = ""
	res := h.mustRun(t, "--fake=auto", "--judges", "--profile", "confeitaria-lu", "--count", "1")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "no provider configured (REKAN_LLM_API_KEY is empty): using fakellm") || !strings.Contains(res.stderr, banner) {
		t.Errorf("no loud warning:\n%s", res.stderr)
	}
	if got := h.models(); len(got) != 0 {
		t.Errorf("the configured provider was asked without a key: %v", got)
	}
	if js := res.run.Models.Judges; res.run.Models.Writer != stack.FakeWriter || len(js) != 2 || js[0].Model+","+js[1].Model != stack.FakeJudges {
		t.Errorf("models = %+v, want fakellm's", res.run.Models)
	}
	if !strings.Contains(res.stdout, "score: 100.0% of judge verdicts passed") {
		t.Errorf("summary:\n%s", res.stdout)
	}

	h.env["REKAN_LLM_API_KEY"] = stack.FakeKey
	res = h.mustRun(t, "--fake=auto", "--profile", "confeitaria-lu", "--count", "1")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if strings.Contains(res.stderr, banner) {
		t.Errorf("warned about the fake with a provider configured:\n%s", res.stderr)
	}
	if got := h.models(); got["fake-writer"] != 1 {
		t.Errorf("with a key the configured provider writes: %v", got)
	}

	h.fake.Reset()
	res = h.mustRun(t, "--fake-fault", "invented_price", "--profile", "confeitaria-lu", "--count", "1")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "--fake: using fakellm instead of any configured provider") {
		t.Errorf("no loud warning:\n%s", res.stderr)
	}
	if got := h.models(); len(got) != 0 {
		t.Errorf("--fake-fault asked the configured provider: %v", got)
	}
	failed := 0
	for _, p := range res.run.Businesses[0].Generations[0].Posts {
		for _, c := range p.Checks {
			if !c.Passed {
				if c.ID != "nothing_invented" {
					t.Errorf("check %s failed: %s", c.ID, c.Reason)
				}
				failed++
			}
		}
	}
	if failed != 1 {
		t.Fatalf("%d failed checks, want nothing_invented once", failed)
	}
}
