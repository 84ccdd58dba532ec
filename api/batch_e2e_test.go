package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/fakellm"
	"github.com/rekan/rekan/eval/stack"
)

type batchRecord struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Items  []struct {
		Business string `json:"business"`
		Name     string `json:"name"`
		Status   string `json:"status"`
		Request  string `json:"request"`
		Error    string `json:"error"`
	} `json:"items"`
}

// startBatchStack serves the real binary with its BAML runtime against
// fake, with one operator and n clients of theirs ("Cliente 01"…).
func startBatchStack(t *testing.T, fake *fakellm.Server, n int, env ...string) (*stack.Stack, *stack.Client, []string) {
	t.Helper()
	requireCLI(t)
	ctx := context.Background()
	st, err := stack.Start(ctx, stack.Config{API: binary, Fake: fake, Operators: []stack.Account{stack.NewAccount("alice")}, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Stop)
	op, id, err := st.Operator(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	clients := make([]string, n)
	for i := range clients {
		var rec struct {
			ID string `json:"id"`
		}
		_, err := op.Do(ctx, "POST", "/api/collections/businesses/records", map[string]any{
			"owner": id, "name": fmt.Sprintf("Cliente %02d", i+1), "segment": "confeitaria", "city": "Recife", "state": "PE",
			"phone": "(81) 98765-4321", "services": []map[string]any{{"name": "Bolo de pote", "price_brl": 12.5}},
			"voice": "carinhosa", "facts": []string{"receita da avó"},
		}, &rec)
		if err != nil {
			t.Fatal(err)
		}
		clients[i] = rec.ID
	}
	return st, op, clients
}

// waitBatch polls the batch until nothing is pending or running.
func waitBatch(t *testing.T, op *stack.Client, id string) batchRecord {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var b batchRecord
		if _, err := op.Do(context.Background(), "GET", "/api/collections/batches/records/"+id, nil, &b); err != nil {
			t.Fatal(err)
		}
		if b.Status == "done" {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch still running: %+v", b)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func countItems(b batchRecord, status string) int {
	n := 0
	for _, it := range b.Items {
		if it.Status == status {
			n++
		}
	}
	return n
}

// TestBatchEndToEnd: a batch of 20 clients is one POST, so the per-IP
// limit (10 generation POSTs a minute) does not cut it; the client whose
// LLM calls fail ends failed with the provider's message and the others
// are written; retry writes it; and every item spent the operator's
// budget, so the next generation is refused with 429 and Retry-After.
func TestBatchEndToEnd(t *testing.T) {
	fake := fakellm.New()
	st, op, clients := startBatchStack(t, fake, 20, "REKAN_GENERATION_BUDGET=21")
	ctx := context.Background()
	// Every attempt (BAML's retries, the fallback) for that client fails.
	fake.Enqueue(fakellm.Reply{Match: "Cliente 07", Status: http.StatusInternalServerError, Times: 50})

	var created struct {
		Batch batchRecord `json:"batch"`
	}
	if status, err := op.Do(ctx, "POST", "/api/rekan/batches", map[string]any{"clients": clients, "brief": "promoção de bolo de pote na sexta"}, &created); status != 201 || err != nil {
		t.Fatalf("create batch: %d %v", status, err)
	}
	b := waitBatch(t, op, created.Batch.ID)
	if countItems(b, "done") != 19 || countItems(b, "failed") != 1 {
		t.Fatalf("batch ended %+v; logs:\n%s", b, st.Server.Log())
	}
	for _, it := range b.Items {
		if it.Status == "failed" && (it.Name != "Cliente 07" || !strings.Contains(it.Error, "provedor de IA falhou") || it.Request == "") {
			t.Errorf("failed item %+v, want Cliente 07 with the provider message and its request", it)
		}
	}
	// Each request is that client's: the writer saw each profile.
	seen := map[string]bool{}
	for _, r := range fake.Requests() {
		for i := range clients {
			if name := fmt.Sprintf("Cliente %02d", i+1); strings.Contains(r.Prompt(), name) {
				seen[name] = true
			}
		}
	}
	if len(seen) != 20 {
		t.Errorf("the writer saw %d client profiles, want 20", len(seen))
	}

	fake.Reset()
	var retried struct {
		Batch batchRecord `json:"batch"`
	}
	if status, err := op.Do(ctx, "POST", "/api/rekan/batches/"+b.ID+":retry", nil, &retried); status != 200 || err != nil {
		t.Fatalf("retry: %d %v", status, err)
	}
	if b = waitBatch(t, op, b.ID); countItems(b, "done") != 20 {
		t.Fatalf("after retry: %+v", b)
	}

	// 21 spent (20 items and the retry): the budget refuses the next one.
	status, header, body, err := stack.Call(ctx, nil, "POST", st.URL+"/api/rekan/businesses/"+clients[0]+"/posts:generate", op.Token, `{"brief":"mais um","count":1}`)
	if err != nil {
		t.Fatal(err)
	}
	secs, _ := strconv.Atoi(header.Get("Retry-After"))
	if status != 429 || secs < 1 || secs > 3600 || !strings.Contains(body, "limite de gerações por hora") {
		t.Errorf("generation over the budget: %d Retry-After %q %s", status, header.Get("Retry-After"), body)
	}
}

// TestBatchRestartEndToEnd: a server killed mid-batch comes back with the
// items it cut off failed (their posts failed as interrupted), each still
// naming the request it had stored, and the pending ones written; retry
// then writes the failed ones into those same requests: one request per
// client in the end, none duplicated.
func TestBatchRestartEndToEnd(t *testing.T) {
	fake := fakellm.New()
	st, op, clients := startBatchStack(t, fake, 5)
	ctx := context.Background()
	// Slow enough that the kill lands while the first two items run.
	fake.SetLatency(30 * time.Second)
	created := startRunning(t, st, op, fake, clients)
	st.Server.Kill()
	fake.SetLatency(0)
	if err := st.StartServer(ctx); err != nil {
		t.Fatal(err)
	}
	b := waitBatch(t, op, created.ID)
	if countItems(b, "failed") != 2 || countItems(b, "done") != 3 {
		t.Fatalf("after the restart: %+v; logs:\n%s", b, st.Server.Log())
	}
	interrupted := map[string]string{}
	for _, it := range b.Items {
		if it.Status == "failed" {
			if !strings.Contains(it.Error, "reinício do servidor") || it.Request == "" {
				t.Errorf("interrupted item %+v, want the restart message and its request", it)
			}
			interrupted[it.Business] = it.Request
		}
	}
	var retried struct {
		Batch batchRecord `json:"batch"`
	}
	if status, err := op.Do(ctx, "POST", "/api/rekan/batches/"+b.ID+":retry", nil, &retried); status != 200 || err != nil {
		t.Fatalf("retry: %d %v", status, err)
	}
	if b = waitBatch(t, op, b.ID); countItems(b, "done") != 5 {
		t.Fatalf("after retry: %+v", b)
	}
	for _, it := range b.Items {
		if want, ok := interrupted[it.Business]; ok && it.Request != want {
			t.Errorf("retried item %+v, want its request %s written again", it, want)
		}
	}
	var requests struct {
		TotalItems int `json:"totalItems"`
	}
	if _, err := op.Do(ctx, "GET", "/api/collections/requests/records?perPage=1", nil, &requests); err != nil || requests.TotalItems != 5 {
		t.Errorf("%d requests stored (%v), want 5: one per client", requests.TotalItems, err)
	}
}

// TestBatchDrainEndToEnd: SIGTERM mid-batch lets the running items finish
// (the drain waits for them) and takes no new one; the next start writes
// the pending ones, so no item fails.
func TestBatchDrainEndToEnd(t *testing.T) {
	fake := fakellm.New()
	st, op, clients := startBatchStack(t, fake, 5)
	ctx := context.Background()
	fake.SetLatency(2 * time.Second)
	created := startRunning(t, st, op, fake, clients)
	if err := st.Server.Stop(time.Minute); err != nil {
		t.Fatalf("stop: %v; logs:\n%s", err, st.Server.Log())
	}
	stopped := len(fake.Requests())
	fake.SetLatency(0)
	if err := st.StartServer(ctx); err != nil {
		t.Fatal(err)
	}
	b := waitBatch(t, op, created.ID)
	// An item the stop had cut off would be failed as interrupted; one
	// run twice would call the LLM a sixth time.
	if countItems(b, "done") != 5 || len(fake.Requests()) != 5 {
		t.Fatalf("after a graceful restart: %+v, %d LLM calls (%d before the stop); logs:\n%s", b, len(fake.Requests()), stopped, st.Server.Log())
	}
}

// startRunning starts a batch for clients and returns once two of its
// items (the worker's concurrency) have reached the LLM.
func startRunning(t *testing.T, st *stack.Stack, op *stack.Client, fake *fakellm.Server, clients []string) batchRecord {
	t.Helper()
	var created struct {
		Batch batchRecord `json:"batch"`
	}
	if status, err := op.Do(context.Background(), "POST", "/api/rekan/batches", map[string]any{"clients": clients, "brief": "bolo de pote"}, &created); status != 201 || err != nil {
		t.Fatalf("create batch: %d %v", status, err)
	}
	deadline := time.Now().Add(time.Minute)
	for len(fake.Requests()) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the batch never reached the LLM; logs:\n%s", st.Server.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return created.Batch
}
