package batch_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/batch"
	"github.com/rekan/rekan/api/internal/testutil"
)

var fx *testutil.Fixture

func TestMain(m *testing.M) { testutil.Main(m, &fx) }

func newBatch(t *testing.T, app core.App, items ...batch.Item) string {
	t.Helper()
	coll, err := app.FindCollectionByNameOrId(batch.Collection)
	if err != nil {
		t.Fatal(err)
	}
	b := core.NewRecord(coll)
	b.Set("operator", fx.AliceID)
	b.Set("brief", "promoção")
	b.Set("count", 1)
	b.Set("status", batch.StatusRunning)
	b.Set("items", items)
	if err := app.Save(b); err != nil {
		t.Fatal(err)
	}
	return b.Id
}

// gate refuses entry once closed, like the drain while stopping.
type gate struct {
	mu     sync.Mutex
	closed bool
}

func (g *gate) Enter() bool { g.mu.Lock(); defer g.mu.Unlock(); return !g.closed }
func (g *gate) Leave()      {}

// TestResume: at start, items a stop cut off (running) end failed with the
// interruption message, keeping their request for the retry, and pending
// ones are generated.
func TestResume(t *testing.T) {
	app := fx.NewApp(t)
	defer app.Cleanup()
	id := newBatch(t, app,
		batch.Item{Business: "a", Status: batch.StatusDone, Request: "r1"},
		batch.Item{Business: "b", Status: batch.StatusRunning, Request: "r2"},
		batch.Item{Business: "c", Status: batch.StatusPending},
		batch.Item{Business: "d", Status: batch.StatusPending},
	)
	var mu sync.Mutex
	ran := map[string]bool{}
	w := batch.NewWorker(app, nil, 2, nil)
	w.SetRun(func(_ context.Context, _ core.App, _ *core.Record, it batch.Item, _ func(string)) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		ran[it.Business] = true
		if it.Business == "d" {
			return "r4", errors.New("O provedor de IA falhou.")
		}
		return "r3", nil
	})
	if err := w.Resume(); err != nil {
		t.Fatal(err)
	}
	w.Wait()
	b, err := app.FindRecordById(batch.Collection, id)
	if err != nil {
		t.Fatal(err)
	}
	items := batch.Items(b)
	want := []batch.Item{
		{Business: "a", Status: batch.StatusDone, Request: "r1"},
		{Business: "b", Status: batch.StatusFailed, Request: "r2", Error: batch.MsgInterrupted},
		{Business: "c", Status: batch.StatusDone, Request: "r3"},
		{Business: "d", Status: batch.StatusFailed, Request: "r4", Error: "O provedor de IA falhou."},
	}
	for i := range want {
		if items[i] != want[i] {
			t.Errorf("item %d = %+v, want %+v", i, items[i], want[i])
		}
	}
	if ran["a"] || ran["b"] || !ran["c"] || !ran["d"] {
		t.Errorf("ran %v, want only the pending items", ran)
	}
	if b.GetString("status") != batch.StatusDone {
		t.Errorf("batch %q, want done", b.GetString("status"))
	}
}

// TestStoppingTakesNoItem: while the drain refuses entry, the worker
// claims nothing; the items stay pending for the next start.
func TestStoppingTakesNoItem(t *testing.T) {
	app := fx.NewApp(t)
	defer app.Cleanup()
	id := newBatch(t, app, batch.Item{Business: "a", Status: batch.StatusPending})
	w := batch.NewWorker(app, &gate{closed: true}, 2, nil)
	calls := 0
	w.SetRun(func(context.Context, core.App, *core.Record, batch.Item, func(string)) (string, error) {
		calls++
		return "", nil
	})
	w.Kick()
	w.Wait()
	b, _ := app.FindRecordById(batch.Collection, id)
	if calls != 0 || batch.Items(b)[0].Status != batch.StatusPending {
		t.Errorf("stopping worker ran %d items; item %+v", calls, batch.Items(b)[0])
	}
}

// hookGate admits everything and calls onLeave with each Leave's number
// (1-based): Leave follows an item's outcome and every claim that found
// nothing, so a test can act at an exact point of the dispatcher.
type hookGate struct {
	mu      sync.Mutex
	leaves  int
	onLeave func(n int)
}

func (g *hookGate) Enter() bool { return true }
func (g *hookGate) Leave() {
	g.mu.Lock()
	g.leaves++
	n := g.leaves
	g.mu.Unlock()
	if g.onLeave != nil {
		g.onLeave(n)
	}
}

// TestRetryRacingTheDispatcher: a retry whose Kick lands while the worker
// still runs is not lost, at the two points where it could be: while
// another item of the batch is being written (the dispatcher waits for a
// slot), and just after the dispatcher found nothing pending but before it
// stopped. Either way the retried item is written and the batch ends done.
func TestRetryRacingTheDispatcher(t *testing.T) {
	cases := []struct {
		name  string
		items []batch.Item
		// retryAt: the Leave after which the retry happens; 0 = while
		// item "b" is being written.
		retryAt int
	}{
		// Leave 1: item a's outcome; leave 2: the claim that found nothing.
		{"after the empty claim", []batch.Item{{Business: "a", Status: batch.StatusPending}}, 2},
		{"while another item runs", []batch.Item{{Business: "a", Status: batch.StatusPending}, {Business: "b", Status: batch.StatusPending}}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := fx.NewApp(t)
			defer app.Cleanup()
			id := newBatch(t, app, tc.items...)
			g := &hookGate{}
			w := batch.NewWorker(app, g, 1, nil)
			var mu sync.Mutex
			runs := map[string]int{}
			retry := func() {
				if _, n, err := w.Retry(id); err != nil || n != 1 {
					t.Errorf("retry: %d items, %v", n, err)
				}
				w.Kick()
			}
			failedA := make(chan struct{})
			w.SetRun(func(_ context.Context, _ core.App, _ *core.Record, it batch.Item, _ func(string)) (string, error) {
				mu.Lock()
				runs[it.Business]++
				n := runs[it.Business]
				mu.Unlock()
				switch {
				case it.Business == "a" && n == 1:
					return "r-a", errors.New("O provedor de IA falhou.")
				case it.Business == "b":
					// Item a's failure is stored before b is claimed
					// (one slot); retry it while b is being written.
					<-failedA
					retry()
				}
				return "r-" + it.Business, nil
			})
			g.onLeave = func(n int) {
				if n == 1 && tc.retryAt == 0 {
					close(failedA)
				}
				if n == tc.retryAt {
					retry()
				}
			}
			w.Kick()
			w.Wait()
			b, err := app.FindRecordById(batch.Collection, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range batch.Items(b) {
				if it.Status != batch.StatusDone {
					t.Errorf("item %+v, want done", it)
				}
			}
			if runs["a"] != 2 || b.GetString("status") != batch.StatusDone {
				t.Errorf("a ran %d times (want 2), batch %q", runs["a"], b.GetString("status"))
			}
		})
	}
}

// TestStoredRequestIsOnTheRunningItem: the request a run stores is on its
// item while the LLM is still writing, so a stop then leaves the item
// knowing its request; the item's outcome keeps it.
func TestStoredRequestIsOnTheRunningItem(t *testing.T) {
	app := fx.NewApp(t)
	defer app.Cleanup()
	id := newBatch(t, app, batch.Item{Business: "a", Status: batch.StatusPending})
	w := batch.NewWorker(app, nil, 1, nil)
	var during batch.Item
	w.SetRun(func(_ context.Context, app core.App, _ *core.Record, _ batch.Item, stored func(string)) (string, error) {
		stored("r1")
		b, err := app.FindRecordById(batch.Collection, id)
		if err != nil {
			return "", err
		}
		during = batch.Items(b)[0]
		return "", errors.New("O provedor de IA falhou.")
	})
	w.Kick()
	w.Wait()
	if during.Status != batch.StatusRunning || during.Request != "r1" {
		t.Errorf("while running: %+v, want running with request r1", during)
	}
	b, _ := app.FindRecordById(batch.Collection, id)
	if it := batch.Items(b)[0]; it.Status != batch.StatusFailed || it.Request != "r1" {
		t.Errorf("after: %+v, want failed keeping request r1", it)
	}
}
