package contentrt_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/rekan/rekan/api/internal/live"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/eval/fakellm"
)

// listener is a realtime client of the test app, as a tab's SSE
// connection is, collecting what it receives.
type listener struct {
	mu   sync.Mutex
	got  []subscriptions.Message
	stop chan struct{}
}

func listen(t *testing.T, app core.App, authID string, topics ...string) *listener {
	t.Helper()
	auth, err := app.FindRecordById("users", authID)
	if err != nil {
		t.Fatal(err)
	}
	c := subscriptions.NewDefaultClient()
	c.Set(apis.RealtimeClientAuthKey, auth)
	c.Subscribe(topics...)
	app.SubscriptionsBroker().Register(c)
	l := &listener{stop: make(chan struct{})}
	t.Cleanup(func() { close(l.stop); app.SubscriptionsBroker().Unregister(c.Id()) })
	go func() {
		for {
			select {
			case m := <-c.Channel():
				l.mu.Lock()
				l.got = append(l.got, m)
				l.mu.Unlock()
			case <-l.stop:
				return
			}
		}
	}()
	return l
}

type livePosts struct {
	Posts []struct {
		ID      string `json:"id"`
		Caption string `json:"caption"`
	} `json:"posts"`
}

func (l *listener) messages() []livePosts {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]livePosts, 0, len(l.got))
	for _, m := range l.got {
		var p livePosts
		_ = json.Unmarshal(m.Data, &p)
		out = append(out, p)
	}
	return out
}

func TestEndToEndStreaming(t *testing.T) {
	// BAML's retries of a broken stream take about 20 s.
	s := newStack(t, apiKey, 60*time.Second)

	t.Run("partial captions reach the owner's tabs only, and are never stored", func(t *testing.T) {
		s.fake.Reset()
		// 200 runes of the raw reply are inside the first caption.
		s.fake.SetPace(fakellm.Pace{TokensPerSecond: 2000, HoldAfterChars: 200})
		topic := live.Topic(fx.AliceBusiness)
		owner := listen(t, s.app, fx.AliceID, topic)
		intruder := listen(t, s.app, fx.BobID, topic)

		done := make(chan response, 1)
		go func() { done <- s.generate(t, `{"brief":"fiz um bolo de casamento rosa e dourado","count":2}`) }()
		waitFor(t, 20*time.Second, func() bool { return s.fake.Held() == 1 && len(owner.messages()) > 0 })

		var partial string
		var pending string
		for _, m := range owner.messages() {
			if len(m.Posts) > 0 && m.Posts[0].Caption != "" {
				partial, pending = m.Posts[0].Caption, m.Posts[0].ID
			}
		}
		if partial == "" || pending == "" {
			t.Fatalf("no partial caption while held: %+v", owner.messages())
		}
		stored := testutil.FindPost(t, s.app, pending)
		if stored.GetString("status") != post.StatusGenerating || stored.GetString("caption") != "" {
			t.Fatalf("partial text stored: %v", stored.PublicExport())
		}

		s.fake.Release()
		r := <-done
		if r.status != 200 {
			t.Fatalf("generate: %d %s", r.status, r.raw)
		}
		final := posts(t, r.body)[0]
		if final["id"] != pending || !strings.HasPrefix(final["caption"].(string), partial) || final["caption"] == partial {
			t.Fatalf("final %v after partial %q", final["caption"], partial)
		}
		if got := intruder.messages(); len(got) != 0 {
			t.Fatalf("another operator received %d messages", len(got))
		}
	})

	t.Run("a stream broken mid-caption stores nothing as ready", func(t *testing.T) {
		s.fake.Reset()
		s.fake.SetPace(fakellm.Pace{BreakAfterChars: 200})
		owner := listen(t, s.app, fx.AliceID, live.Topic(fx.AliceBusiness))
		r := s.generate(t, `{"brief":"promoção de brigadeiro","count":2}`)
		if r.status != http.StatusBadGateway || data(r)["code"] != "llm_failed" {
			t.Fatalf("generate: %d %s", r.status, r.raw)
		}
		failed := posts(t, data(r))
		if len(failed) != 2 {
			t.Fatalf("failed posts: %s", r.raw)
		}
		for _, p := range failed {
			stored := testutil.FindPost(t, s.app, p["id"].(string))
			if stored.GetString("status") != post.StatusFailed || stored.GetString("caption") != "" || stored.GetString("error") == "" ||
				testutil.RequestBrief(t, s.app, stored) != "promoção de brigadeiro" {
				t.Errorf("stored post: %v", stored.PublicExport())
			}
		}
		if len(owner.messages()) == 0 {
			t.Error("no partial was published before the break")
		}
		if n := len(s.fake.Requests()); n < 2 {
			t.Errorf("provider saw %d requests: BAML did not retry", n)
		}
	})
}

func waitFor(t *testing.T, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
