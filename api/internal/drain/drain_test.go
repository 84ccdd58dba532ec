package drain

import (
	"testing"
	"time"

	"github.com/rekan/rekan/eval/content"
)

func TestDrainWaitsForAdmittedRequests(t *testing.T) {
	var g Gate
	if !g.Enter() || !g.Enter() {
		t.Fatal("a fresh gate refused a request")
	}
	left := make(chan int, 1)
	go func() { left <- g.Drain(time.Minute) }()

	// Once draining, nothing new gets in.
	deadline := time.Now().Add(5 * time.Second)
	for g.Enter() {
		g.Leave()
		if time.Now().After(deadline) {
			t.Fatal("gate still admits after Drain")
		}
		time.Sleep(time.Millisecond)
	}
	g.Leave()
	select {
	case n := <-left:
		t.Fatalf("Drain returned %d with a request still in flight", n)
	case <-time.After(50 * time.Millisecond):
	}
	g.Leave()
	select {
	case n := <-left:
		if n != 0 {
			t.Fatalf("Drain left %d in flight, want 0", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Drain did not return after the last request left")
	}
}

func TestDrainGivesUpAtTheBound(t *testing.T) {
	var g Gate
	g.Enter()
	if n := g.Drain(20 * time.Millisecond); n != 1 {
		t.Fatalf("Drain left %d in flight, want 1", n)
	}
	if n := (&Gate{}).Drain(time.Hour); n != 0 {
		t.Fatalf("idle Drain left %d", n)
	}
}

func TestTimeoutFromEnv(t *testing.T) {
	cases := []struct {
		raw  string
		want time.Duration
		ok   bool
	}{
		{"", DefaultTimeout, true},
		{"90s", 90 * time.Second, true},
		{"0", 0, true},
		{"60", 0, false},
		{"-1s", 0, false},
	}
	for _, c := range cases {
		got, err := TimeoutFromEnv(func(string) string { return c.raw })
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("%q: %v %v, want %v ok=%v", c.raw, got, err, c.want, c.ok)
		}
	}
}

// A drain must outlast a generation that started just before it: the
// generation's own timeout ends it, not the stop.
func TestDefaultDrainOutlastsAGeneration(t *testing.T) {
	if DefaultTimeout <= content.GenerationTimeout {
		t.Errorf("drain bound %v ends before the generation bound %v", DefaultTimeout, content.GenerationTimeout)
	}
}
