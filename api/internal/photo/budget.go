package photo

import (
	"context"
	"sync"
)

// fairBudget is a weighted semaphore shared fairly between owners (the
// operators uploading): each owner's requests wait in their own queue, in
// order, and the next grant goes to the waiting owner who has been granted
// the fewest bytes since the budget was last idle. One operator's large
// photos then make another's small one wait for at most the one being
// decoded, not for all of them.
//
// The turn is strict: when the owner whose turn it is needs more than is
// free, nobody overtakes them, so a large photo is never starved by a
// stream of small ones.
type fairBudget struct {
	size int64

	mu     sync.Mutex
	used   int64
	queues map[string][]*budgetWaiter
	turns  []string         // owners with waiters, in order of arrival
	served map[string]int64 // bytes granted to each owner since idle
}

type budgetWaiter struct {
	n     int64
	ready chan struct{}
}

func newFairBudget(size int64) *fairBudget {
	return &fairBudget{size: size, queues: map[string][]*budgetWaiter{}, served: map[string]int64{}}
}

// acquire takes n bytes of the budget for owner (at most the whole
// budget), waiting for its turn; it fails only with ctx's error, holding
// nothing.
func (b *fairBudget) acquire(ctx context.Context, owner string, n int64) error {
	n = min(n, b.size)
	b.mu.Lock()
	if len(b.turns) == 0 && b.used+n <= b.size {
		b.used += n
		b.served[owner] += n
		b.mu.Unlock()
		return nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	if len(b.queues[owner]) == 0 {
		// A newcomer goes ahead of owners served for a while by at most
		// one budget's worth, however long they have been served.
		if len(b.turns) > 0 {
			floor := b.served[b.turns[0]]
			for _, o := range b.turns {
				floor = min(floor, b.served[o])
			}
			b.served[owner] = max(b.served[owner], floor-b.size)
		}
		b.turns = append(b.turns, owner)
	}
	b.queues[owner] = append(b.queues[owner], w)
	b.mu.Unlock()

	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-w.ready:
		// Granted meanwhile: give it back.
		b.used -= n
	default:
		b.remove(owner, w)
	}
	b.grant()
	return ctx.Err()
}

// release returns n bytes taken by acquire (the same n).
func (b *fairBudget) release(n int64) {
	n = min(n, b.size)
	b.mu.Lock()
	b.used -= n
	b.grant()
	b.mu.Unlock()
}

// grant hands the free budget out while the next in turn fits.
func (b *fairBudget) grant() {
	for len(b.turns) > 0 {
		turn := 0
		for i, o := range b.turns {
			if b.served[o] < b.served[b.turns[turn]] {
				turn = i
			}
		}
		owner := b.turns[turn]
		queue := b.queues[owner]
		w := queue[0]
		if b.used+w.n > b.size {
			return
		}
		b.used += w.n
		b.served[owner] += w.n
		close(w.ready)
		if len(queue) == 1 {
			delete(b.queues, owner)
			b.turns = append(b.turns[:turn:turn], b.turns[turn+1:]...)
		} else {
			b.queues[owner] = queue[1:]
		}
	}
	if b.used == 0 {
		clear(b.served)
	}
}

func (b *fairBudget) remove(owner string, w *budgetWaiter) {
	queue := b.queues[owner]
	for i, q := range queue {
		if q == w {
			queue = append(queue[:i:i], queue[i+1:]...)
			break
		}
	}
	if len(queue) > 0 {
		b.queues[owner] = queue
		return
	}
	delete(b.queues, owner)
	for i, o := range b.turns {
		if o == owner {
			b.turns = append(b.turns[:i:i], b.turns[i+1:]...)
			break
		}
	}
}

type ownerKey struct{}

// WithOwner marks ctx as an upload of owner (an operator's id): Process
// shares the decode budget fairly between owners.
func WithOwner(ctx context.Context, owner string) context.Context {
	return context.WithValue(ctx, ownerKey{}, owner)
}

func ownerOf(ctx context.Context) string {
	owner, _ := ctx.Value(ownerKey{}).(string)
	return owner
}
