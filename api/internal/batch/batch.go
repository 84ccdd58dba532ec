// Package batch runs "Gerar para vários clientes": a stored batch of one
// brief or occasion for many clients, one item per client, processed by a
// server-side worker with bounded concurrency. The record is the state: a
// restart resumes pending items and fails the ones it cut off (the operator
// retries them), and realtime on the collection shows the progress.
package batch

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Collection holds the batches.
const Collection = "batches"

// Item statuses; a batch is running until none is pending or running.
const (
	StatusPending = "pending"
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
)

// DefaultConcurrency bounds the generations a worker runs at once: the
// LLM provider and the two-core host are shared with interactive use.
const DefaultConcurrency = 2

// MsgInterrupted marks an item a restart cut off.
const MsgInterrupted = "A geração foi interrompida por um reinício do servidor. Tente de novo."

// Item is one client of a batch.
type Item struct {
	Business string `json:"business"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Request  string `json:"request,omitempty"`
	Error    string `json:"error,omitempty"`
}

// Items reads a batch's items.
func Items(r *core.Record) []Item {
	var items []Item
	if err := r.UnmarshalJSONField("items", &items); err != nil {
		return nil
	}
	return items
}

// RunFunc generates one item's request: its id (also when the generation
// failed after storing it), or an error whose message is for the operator.
// it.Request is the request an earlier run stored (a retry writes it
// again rather than a new one); stored records a new request on the item
// as soon as it exists, before the LLM is called, so an item a stop cuts
// off keeps it.
type RunFunc func(ctx context.Context, app core.App, b *core.Record, it Item, stored func(requestID string)) (requestID string, err error)

// Gate is the shutdown drain (drain.Gate): an item runs only once admitted,
// and holds the drain until it is stored.
type Gate interface {
	Enter() bool
	Leave()
}

type openGate struct{}

func (openGate) Enter() bool { return true }
func (openGate) Leave()      {}

// Worker processes the pending items of every running batch.
type Worker struct {
	app    core.App
	gate   Gate
	run    RunFunc
	logger *slog.Logger
	slots  chan struct{}

	// mu serialises reading and writing batch records (items finish
	// concurrently) and guards the dispatcher's state.
	mu          sync.Mutex
	dispatching bool
	again       bool
	wg          sync.WaitGroup
}

// NewWorker makes a worker on app; gate may be nil (no drain).
func NewWorker(app core.App, gate Gate, concurrency int, logger *slog.Logger) *Worker {
	if gate == nil {
		gate = openGate{}
	}
	if concurrency < 1 {
		concurrency = DefaultConcurrency
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Worker{app: app, gate: gate, logger: logger, slots: make(chan struct{}, concurrency)}
}

// SetRun sets how an item is generated (the routes' generation path).
func (w *Worker) SetRun(run RunFunc) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.run = run
}

// Kick makes the worker look for pending items.
func (w *Worker) Kick() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.run == nil {
		return
	}
	if w.dispatching {
		w.again = true
		return
	}
	w.dispatching = true
	w.wg.Add(1)
	go w.dispatch()
}

// Wait returns once no item is running or being claimed.
func (w *Worker) Wait() { w.wg.Wait() }

func (w *Worker) dispatch() {
	defer w.wg.Done()
	for {
		w.slots <- struct{}{}
		if !w.gate.Enter() {
			// Stopping: pending items stay pending for the next start.
			<-w.slots
			w.mu.Lock()
			w.dispatching = false
			w.mu.Unlock()
			return
		}
		id, index, err := w.claim()
		if err != nil || id == "" {
			w.gate.Leave()
			<-w.slots
			if err != nil {
				w.logger.Error("batch: claim an item", "error", err)
			}
			w.mu.Lock()
			if w.again && err == nil {
				w.again = false
				w.mu.Unlock()
				continue
			}
			w.dispatching = false
			w.mu.Unlock()
			return
		}
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			defer func() { <-w.slots }()
			defer w.gate.Leave()
			w.process(id, index)
		}()
	}
}

// claim marks the oldest pending item running and returns where it is.
func (w *Worker) claim() (string, int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	batches, err := w.app.FindRecordsByFilter(Collection, "status = 'running'", "created", 0, 0)
	if err != nil {
		return "", 0, fmt.Errorf("find running batches: %w", err)
	}
	for _, b := range batches {
		items := Items(b)
		for i := range items {
			if items[i].Status != StatusPending {
				continue
			}
			items[i].Status = StatusRunning
			items[i].Error = ""
			b.Set("items", items)
			if err := w.app.Save(b); err != nil {
				return "", 0, fmt.Errorf("claim item %d of batch %s: %w", i, b.Id, err)
			}
			return b.Id, i, nil
		}
	}
	return "", 0, nil
}

func (w *Worker) process(id string, index int) {
	b, err := w.app.FindRecordById(Collection, id)
	if err != nil {
		w.logger.Warn("batch gone before its item ran", "batch", id, "error", err)
		return
	}
	items := Items(b)
	if index >= len(items) {
		return
	}
	stored := func(requestID string) {
		w.update(id, index, func(it *Item) { it.Request = requestID })
	}
	requestID, runErr := w.run(context.Background(), w.app, b, items[index], stored)
	w.update(id, index, func(it *Item) {
		if requestID != "" {
			it.Request = requestID
		}
		if runErr != nil {
			it.Status, it.Error = StatusFailed, runErr.Error()
		} else {
			it.Status, it.Error = StatusDone, ""
		}
	})
}

// update changes item index of batch id as stored now (items finish
// concurrently) and the batch's status with it.
func (w *Worker) update(id string, index int, change func(*Item)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	b, err := w.app.FindRecordById(Collection, id)
	if err != nil {
		// Deleted meanwhile: nothing to report to.
		return
	}
	items := Items(b)
	if index >= len(items) {
		return
	}
	change(&items[index])
	b.Set("items", items)
	b.Set("status", statusOf(items))
	if err := w.app.Save(b); err != nil {
		w.logger.Error("batch: store an item", "batch", id, "item", index, "error", err)
	}
}

// statusOf is "done" once nothing is left to run.
func statusOf(items []Item) string {
	for _, it := range items {
		if it.Status == StatusPending || it.Status == StatusRunning {
			return StatusRunning
		}
	}
	return StatusDone
}

// Resume is called once at start, before any item runs: items a stop cut
// off end failed (their posts are failed as interrupted too) and keep
// their request for the retry, pending ones are taken up again.
func (w *Worker) Resume() error {
	w.mu.Lock()
	batches, err := w.app.FindAllRecords(Collection, dbx.HashExp{"status": StatusRunning})
	if err != nil {
		w.mu.Unlock()
		return fmt.Errorf("find running batches: %w", err)
	}
	for _, b := range batches {
		items := Items(b)
		cut := 0
		for i := range items {
			if items[i].Status == StatusRunning {
				items[i].Status, items[i].Error = StatusFailed, MsgInterrupted
				cut++
			}
		}
		if cut == 0 {
			continue
		}
		b.Set("items", items)
		b.Set("status", statusOf(items))
		if err := w.app.Save(b); err != nil {
			w.mu.Unlock()
			return fmt.Errorf("fail interrupted items of batch %s: %w", b.Id, err)
		}
		w.logger.Warn("batch items interrupted by a stop", "batch", b.Id, "items", cut)
	}
	w.mu.Unlock()
	w.Kick()
	return nil
}

// Retry makes the failed items of batch id pending again and returns the
// batch as stored and how many.
func (w *Worker) Retry(id string) (*core.Record, int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fresh, err := w.app.FindRecordById(Collection, id)
	if err != nil {
		return nil, 0, err
	}
	items := Items(fresh)
	n := 0
	for i := range items {
		if items[i].Status == StatusFailed {
			items[i].Status, items[i].Error = StatusPending, ""
			n++
		}
	}
	if n == 0 {
		return fresh, 0, nil
	}
	fresh.Set("items", items)
	fresh.Set("status", StatusRunning)
	if err := w.app.Save(fresh); err != nil {
		return nil, 0, fmt.Errorf("retry batch %s: %w", id, err)
	}
	return fresh, n, nil
}

// Failed counts the failed items of b.
func Failed(b *core.Record) int {
	n := 0
	for _, it := range Items(b) {
		if it.Status == StatusFailed {
			n++
		}
	}
	return n
}
