package photo

import (
	"context"
	"testing"
)

// waiting blocks until owner has n requests queued (no timing: it polls
// the budget's own state).
func (b *fairBudget) waiting(owner string, n int) {
	for {
		b.mu.Lock()
		got := len(b.queues[owner])
		b.mu.Unlock()
		if got == n {
			return
		}
	}
}

func granted(ch chan error) bool {
	select {
	case err := <-ch:
		return err == nil
	default:
		return false
	}
}

// One operator's queued large photos make another's small one wait for at
// most the one being decoded: the owner granted least goes first.
func TestBudgetTakesTurnsBetweenOwners(t *testing.T) {
	b := newFairBudget(10)
	ctx := context.Background()
	if err := b.acquire(ctx, "ana", 6); err != nil {
		t.Fatal(err)
	}
	ana2, ana3, bia := make(chan error, 1), make(chan error, 1), make(chan error, 1)
	go func() { ana2 <- b.acquire(ctx, "ana", 6) }()
	b.waiting("ana", 1)
	go func() { ana3 <- b.acquire(ctx, "ana", 6) }()
	b.waiting("ana", 2)
	go func() { bia <- b.acquire(ctx, "bia", 1) }()
	b.waiting("bia", 1)

	// Bia's small photo fits beside Ana's first but does not overtake
	// the queue; when Ana's first ends, Bia's goes (Ana was granted
	// more), then Ana's second, and Ana's third waits.
	b.release(6)
	if err := <-ana2; err != nil {
		t.Fatal(err)
	}
	if err := <-bia; err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	left := len(b.queues["ana"])
	b.mu.Unlock()
	if left != 1 || granted(ana3) {
		t.Fatal("ana's third went before bia's")
	}
	b.release(6)
	if err := <-ana3; err != nil {
		t.Fatal(err)
	}
	b.release(6)
	b.release(1)
	if b.used != 0 {
		t.Errorf("%d bytes still held", b.used)
	}
}

// A request given up while waiting holds nothing and blocks no one.
func TestBudgetCancelledWaiterLeaves(t *testing.T) {
	b := newFairBudget(10)
	if err := b.acquire(context.Background(), "ana", 8); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan error, 1)
	go func() { gone <- b.acquire(ctx, "bia", 8) }()
	b.waiting("bia", 1)
	cancel()
	if err := <-gone; err == nil {
		t.Fatal("a cancelled wait succeeded")
	}
	if err := b.acquire(context.Background(), "caio", 2); err != nil {
		t.Fatal(err)
	}
	b.release(8)
	b.release(2)
	if b.used != 0 || len(b.turns) != 0 {
		t.Errorf("left behind: used %d, turns %v", b.used, b.turns)
	}
}
