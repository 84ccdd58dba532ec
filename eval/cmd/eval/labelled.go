package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"text/tabwriter"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/judges"
	"github.com/rekan/rekan/eval/profiles"
)

// The labelled set (eval/testdata/labelled/*.json) holds posts written by
// people, good and bad, each with the verdict every check should give and,
// for --calibrate, the verdict a careful reviewer gives on each judge
// criterion. It has two parts: test/ was written and frozen (test.sha256)
// before the checks it measures were tuned, tune/ is what rules are tuned
// on. One file per business:
//
//	{"profile": "confeitaria-lu" (a file of eval/testdata) or
//	 "business": {a profile, inline, for businesses the eval does not run},
//	 "phone": "55…" (optional override),
//	 "cases": [{"name", "brief" (default: the profile's), "previous_hooks",
//	            "variety": "pass"|"fail" (optional, for 2+ posts),
//	            "posts": [{"label", "role", "hook", "caption", "hashtags",
//	                       "production_note", "fails": [check ids],
//	                       "judges": {criterion: "pass"|"fail"}}]}]}
//
// A case is one request: its posts are checked against each other. A check
// not listed in "fails" must pass.

// LabelledPost is one post of the set with its expected verdicts.
type LabelledPost struct {
	Label string `json:"label"`
	content.Post
	Fails  []string                    `json:"fails"`
	Judges map[judges.Criterion]string `json:"judges"`
}

// LabelledCase is one request of the set.
type LabelledCase struct {
	Name          string         `json:"name"`
	Brief         string         `json:"brief"`
	PreviousHooks []string       `json:"previous_hooks"`
	Variety       string         `json:"variety"`
	Posts         []LabelledPost `json:"posts"`
}

// LabelledFile is one business of the set.
type LabelledFile struct {
	Profile  string          `json:"profile"`
	Business json.RawMessage `json:"business"`
	Phone    string          `json:"phone"`
	Cases    []LabelledCase  `json:"cases"`

	file     string
	part     string
	business profiles.Profile
}

// The parts of the labelled set, by folder.
const (
	PartTest = "test"
	PartTune = "tune"
)

var labelledParts = []string{PartTest, PartTune}

// Context is what the case's posts are checked against.
func (f LabelledFile) Context(c LabelledCase) checks.Context {
	brief := c.Brief
	if brief == "" {
		brief = f.business.Brief
	}
	return checks.Context{Business: f.business.Business, Brief: brief, PreviousHooks: c.PreviousHooks}
}

// loadLabelled reads every file of dir; profiles come from profilesDir.
// Unknown check ids, criteria or verdicts are errors: a typo would silently
// turn a "fail" label into a "pass".
func loadLabelled(dir, profilesDir string) ([]LabelledFile, error) {
	var paths []string
	for _, part := range labelledParts {
		found, err := filepath.Glob(filepath.Join(dir, part, "*.json"))
		if err != nil || len(found) == 0 {
			return nil, fmt.Errorf("no labelled posts (*.json) in %s", filepath.Join(dir, part))
		}
		sort.Strings(found)
		paths = append(paths, found...)
	}
	known := map[string]bool{}
	for _, id := range checks.IDs() {
		known[id] = true
	}
	var files []LabelledFile
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read labelled set: %w", err)
		}
		var f LabelledFile
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("labelled %s: %w", path, err)
		}
		f.file = path
		f.part = filepath.Base(filepath.Dir(path))
		switch {
		case (f.Profile == "") == (len(f.Business) == 0):
			return nil, fmt.Errorf("labelled %s: want one of profile and business", path)
		case f.Profile != "":
			f.business, err = profiles.LoadFile(filepath.Join(profilesDir, f.Profile+".json"))
		default:
			f.business, err = profiles.Parse(path, f.Business)
		}
		if err != nil {
			return nil, fmt.Errorf("labelled %s: %w", path, err)
		}
		if f.Phone != "" {
			f.business.Phone = f.Phone
		}
		for _, c := range f.Cases {
			if len(c.Posts) == 0 {
				return nil, fmt.Errorf("labelled %s: case %q has no posts", path, c.Name)
			}
			if c.Variety != "" && c.Variety != "pass" && c.Variety != "fail" {
				return nil, fmt.Errorf("labelled %s: case %q: variety %q is not pass or fail", path, c.Name, c.Variety)
			}
			for _, p := range c.Posts {
				for _, id := range p.Fails {
					if !known[id] {
						return nil, fmt.Errorf("labelled %s: post %q: unknown check %q", path, p.Label, id)
					}
				}
				for crit, v := range p.Judges {
					// Labelled posts carry no photos: only the text criteria.
					if !slices.Contains(judges.PostCriteria, crit) || (v != "pass" && v != "fail") {
						return nil, fmt.Errorf("labelled %s: post %q: bad judge label %s=%q", path, p.Label, crit, v)
					}
				}
			}
		}
		files = append(files, f)
	}
	return files, nil
}

// Confusion counts one check's verdicts against the labels, a failed check
// being the positive (the check exists to catch bad posts).
type Confusion struct {
	TP, FP, FN, TN int
}

// Precision is the share of the check's failures that the labels confirm;
// Recall the share of the labelled failures the check catches. With nothing
// to divide, both are 1 (no false alarm, nothing missed).
func (c Confusion) Precision() float64 { return ratioOr1(c.TP, c.TP+c.FP) }
func (c Confusion) Recall() float64    { return ratioOr1(c.TP, c.TP+c.FN) }

func ratioOr1(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

// Mismatch is one post where a check disagrees with its label.
type Mismatch struct {
	File, Case, Post, Check string
	Want, Got               bool // passed
	Reason                  string
}

// scoreChecks runs the checks on the labelled set.
func scoreChecks(files []LabelledFile) (map[string]*Confusion, []Mismatch, int) {
	return scorePart(files, "")
}

// scorePart runs the checks on the files of one part ("" for all).
func scorePart(files []LabelledFile, part string) (map[string]*Confusion, []Mismatch, int) {
	conf := map[string]*Confusion{}
	for _, id := range checks.IDs() {
		conf[id] = &Confusion{}
	}
	var mismatches []Mismatch
	posts := 0
	for _, f := range files {
		if part != "" && f.part != part {
			continue
		}
		for _, c := range f.Cases {
			list := make([]content.Post, len(c.Posts))
			for i, p := range c.Posts {
				list[i] = p.Post
			}
			for i, results := range checks.RunRequest(f.Context(c), list) {
				posts++
				p := c.Posts[i]
				for _, r := range results {
					wantPass := !contains(p.Fails, r.ID)
					cm := conf[r.ID]
					switch {
					case !wantPass && !r.Passed:
						cm.TP++
					case wantPass && !r.Passed:
						cm.FP++
					case !wantPass && r.Passed:
						cm.FN++
					default:
						cm.TN++
					}
					if wantPass != r.Passed {
						mismatches = append(mismatches, Mismatch{File: f.part + "/" + filepath.Base(f.file), Case: c.Name, Post: p.Label, Check: r.ID, Want: wantPass, Got: r.Passed, Reason: r.Reason})
					}
				}
			}
		}
	}
	return conf, mismatches, posts
}

func contains(list []string, s string) bool {
	for _, it := range list {
		if it == s {
			return true
		}
	}
	return false
}

// writeConfusion prints one row per check: the confusion counts, precision
// and recall.
func writeConfusion(w io.Writer, conf map[string]*Confusion) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tTP\tFP\tFN\tTN\tPRECISION\tRECALL")
	for _, id := range checks.IDs() {
		c := conf[id]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.2f\t%.2f\n", id, c.TP, c.FP, c.FN, c.TN, c.Precision(), c.Recall())
	}
	tw.Flush()
}
