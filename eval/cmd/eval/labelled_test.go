package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/rekan/rekan/eval/checks"
)

// labelledThresholds are the least precision and recall each check must
// reach on the labelled set, and the least number of bad posts the set must
// hold for it (a recall measured on nothing proves nothing). The format
// checks are nearly exact; the content checks judge meaning with rules, so
// they may miss some mistakes a person sees (their known misses are in the
// set on purpose), but a false alarm on a good post costs the operator's
// trust in every badge, so precision stays high everywhere.
var labelledThresholds = map[string]struct {
	precision, recall float64
	minBad            int
}{
	checks.IDCaptionLength:       {1, 1, 1},
	checks.IDHashtags:            {1, 1, 1},
	checks.IDBrazilianPortuguese: {1, 1, 3},
	checks.IDProductionNote:      {1, 1, 1},
	checks.IDNoLinks:             {1, 1, 1},
	checks.IDEngagementBait:      {1, 1, 1},
	checks.IDEmojiDensity:        {1, 1, 1},
	checks.IDNothingInvented:     {0.95, 0.85, 12},
	checks.IDSpecific:            {0.95, 0.6, 6},
	checks.IDStockPhrases:        {0.95, 0.9, 5},
	checks.IDNewHook:             {0.95, 0.9, 3},
	checks.IDDistinctPosts:       {0.95, 0.9, 4},
	checks.IDRoleFulfilled:       {0.95, 0.8, 5},
}

func TestLabelledSet(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata")
	files, err := loadLabelled(filepath.Join(dir, "labelled"), dir)
	if err != nil {
		t.Fatal(err)
	}
	conf, mismatches, posts := scoreChecks(files)
	if posts < 60 {
		t.Errorf("the labelled set has %d posts, want at least 60", posts)
	}
	var table bytes.Buffer
	writeConfusion(&table, conf)
	t.Logf("labelled set: %d posts in %d files\n%s", posts, len(files), table.String())
	for _, m := range mismatches {
		t.Logf("%s / %s / %s: %s passed=%v, labelled %v: %s", m.File, m.Case, m.Post, m.Check, m.Got, m.Want, m.Reason)
	}
	var limits bytes.Buffer
	for _, id := range checks.IDs() {
		want, ok := labelledThresholds[id]
		if !ok {
			t.Errorf("%s: no threshold set", id)
			continue
		}
		c := conf[id]
		fmt.Fprintf(&limits, "%-22s precision >= %.2f, recall >= %.2f, bad posts >= %d (has %d)\n", id, want.precision, want.recall, want.minBad, c.TP+c.FN)
		if c.TP+c.FN < want.minBad {
			t.Errorf("%s: %d bad posts in the set, want at least %d", id, c.TP+c.FN, want.minBad)
		}
		if c.Precision() < want.precision || c.Recall() < want.recall {
			t.Errorf("%s: precision %.2f (min %.2f), recall %.2f (min %.2f)", id, c.Precision(), want.precision, c.Recall(), want.recall)
		}
	}
	t.Logf("thresholds:\n%s", limits.String())
}
