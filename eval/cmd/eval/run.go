package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/judges"
	"github.com/rekan/rekan/eval/profiles"
)

// runFormat is bumped whenever a saved run would be read differently.
const runFormat = 1

// Run is everything one eval run produced, saved as JSON under the runs
// directory so that runs can be compared (--diff), re-judged (--from-run)
// and reported later.
type Run struct {
	Format     int        `json:"format"`
	ID         string     `json:"id"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt time.Time  `json:"finished_at"`
	DurationMS int64      `json:"duration_ms"`
	Options    RunOptions `json:"options"`
	Models     Models     `json:"models"`
	// Usage stays null: the BAML HTTP runtime does not report token usage
	// in its /call responses.
	Usage      *Usage        `json:"usage"`
	Businesses []BusinessRun `json:"businesses"`
}

// RunOptions records how the run was asked for.
type RunOptions struct {
	Judges      bool     `json:"judges"`
	Count       int      `json:"count"`
	Chain       int      `json:"chain"`
	Concurrency int      `json:"concurrency"`
	Profiles    []string `json:"profiles"`
	FromRun     string   `json:"from_run,omitempty"`
	// Samples is --samples: posts per profile, in independent generations.
	Samples int `json:"samples,omitempty"`
	// FakeWriter and FakeJudges say fakellm wrote the posts or judged
	// them: the scores then say nothing about the prompts.
	FakeWriter bool `json:"fake_writer,omitempty"`
	FakeJudges bool `json:"fake_judges,omitempty"`
}

// Models names what answered.
type Models struct {
	Writer string         `json:"writer,omitempty"`
	Judges []judges.Judge `json:"judges,omitempty"`
}

// Usage is token usage, for runtimes that report it.
type Usage struct {
	PromptTokens     int64 `json:"prompt_tokens"`
	CompletionTokens int64 `json:"completion_tokens"`
}

// BusinessRun is one profile and what was generated for it.
type BusinessRun struct {
	Profile     profiles.Profile `json:"profile"`
	Generations []Generation     `json:"generations"`
}

// Generation is one WritePosts call (several with --chain).
type Generation struct {
	Index         int            `json:"index"`
	Brief         string         `json:"brief"`
	Roles         []content.Role `json:"roles"`
	PreviousHooks []string       `json:"previous_hooks"`
	// Photos are the photos sent with the brief (the profile's), kept in
	// the run so --from-run judges the posts against what the writer saw.
	Photos     []content.Photo `json:"photos,omitempty"`
	Model      string          `json:"model,omitempty"`
	DurationMS int64           `json:"duration_ms"`
	Error      string          `json:"error,omitempty"`
	Posts      []PostRun       `json:"posts"`
	// Variety is judged on the posts together, when there are several.
	Variety *judges.Verdict `json:"variety,omitempty"`
}

// PostRun is one post with its heuristic checks and the panel's verdicts.
type PostRun struct {
	content.Post
	Checks   []checks.Result  `json:"checks"`
	Verdicts []judges.Verdict `json:"verdicts,omitempty"`
}

func newRunID(t time.Time) string {
	return t.UTC().Format("20060102T150405.000Z")
}

// saveRun writes the run as <dir>/<id>.json, atomically so that a crash
// never leaves half a run for --diff to choke on.
func saveRun(dir string, run *Run) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create runs directory: %w", err)
	}
	data, err := json.MarshalIndent(run, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode run: %w", err)
	}
	path := filepath.Join(dir, run.ID+".json")
	tmp, err := os.CreateTemp(dir, ".run-*.json")
	if err != nil {
		return "", fmt.Errorf("save run: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return "", fmt.Errorf("save run: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("save run: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("save run: %w", err)
	}
	return path, nil
}

// loadRun reads a saved run and refuses files it would misread.
func loadRun(path string) (*Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read run: %w", err)
	}
	var run Run
	if err := json.Unmarshal(data, &run); err != nil {
		return nil, fmt.Errorf("run %s: not a run file: %w", path, err)
	}
	switch {
	case run.Format != runFormat:
		return nil, fmt.Errorf("run %s: format %d, this eval reads format %d", path, run.Format, runFormat)
	case len(run.Businesses) == 0:
		return nil, fmt.Errorf("run %s: %w", path, errEmptyRun)
	}
	return &run, nil
}

var errEmptyRun = errors.New("no businesses in run")
