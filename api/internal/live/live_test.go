package live_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/rekan/rekan/api/internal/live"
	"github.com/rekan/rekan/api/internal/testutil"
)

var fx *testutil.Fixture

func TestMain(m *testing.M) { testutil.Main(m, &fx) }

// clientID is the realtime client each scenario subscribes (registered
// as PocketBase's SSE connection would, with no IP pinned).
const clientID = "live-test-client"

type fixedClient struct{ *subscriptions.DefaultClient }

func (fixedClient) Id() string { return clientID }

// bufferedClient holds one message with nobody reading: Publish's offer
// (which drops a message no reader takes within its wait) then succeeds at
// once, so what a client got does not depend on when a receiving goroutine
// was scheduled on a loaded machine.
type bufferedClient struct {
	*subscriptions.DefaultClient
	ch chan subscriptions.Message
}

func (c bufferedClient) Channel() chan subscriptions.Message { return c.ch }

func TestSubscribeOnlyToOwnBusiness(t *testing.T) {
	factory := func(t testing.TB) *tests.TestApp {
		app := fx.NewApp(t)
		live.Bind(app)
		return app
	}
	before := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		app.SubscriptionsBroker().Register(fixedClient{subscriptions.NewDefaultClient()})
	}
	body := func(topics ...string) *strings.Reader {
		return strings.NewReader(`{"clientId":"` + clientID + `","subscriptions":["` + strings.Join(topics, `","`) + `"]}`)
	}
	// Nothing subscribed after a refusal.
	unsubscribed := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		client, err := app.SubscriptionsBroker().ClientById(clientID)
		if err != nil {
			t.Fatal(err)
		}
		if subs := client.Subscriptions(); len(subs) != 0 {
			t.Errorf("subscribed anyway: %v", subs)
		}
	}
	auth := func(token string) map[string]string { return map[string]string{"Authorization": token} }
	scenarios := []tests.ApiScenario{
		{Name: "owner", Body: body(live.Topic(fx.AliceBusiness)), Headers: auth(fx.AliceToken), ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				client, _ := app.SubscriptionsBroker().ClientById(clientID)
				if !client.HasSubscription(live.Topic(fx.AliceBusiness)) {
					t.Error("the owner was not subscribed")
				}
			}},
		{Name: "another operator's business", Body: body(live.Topic(fx.BobBusiness)), Headers: auth(fx.AliceToken), ExpectedStatus: 403,
			ExpectedContent: []string{"seus próprios clientes"}, AfterTestFunc: unsubscribed},
		{Name: "one foreign topic among own ones", Body: body("posts", live.Topic(fx.AliceBusiness), live.Topic(fx.BobBusiness)), Headers: auth(fx.AliceToken), ExpectedStatus: 403,
			ExpectedContent: []string{"seus próprios clientes"}, AfterTestFunc: unsubscribed},
		{Name: "with SDK options", Body: body(live.Topic(fx.BobBusiness) + `?options=%7B%7D`), Headers: auth(fx.AliceToken), ExpectedStatus: 403,
			ExpectedContent: []string{"seus próprios clientes"}, AfterTestFunc: unsubscribed},
		{Name: "guest", Body: body(live.Topic(fx.AliceBusiness)), ExpectedStatus: 403,
			ExpectedContent: []string{"seus próprios clientes"}, AfterTestFunc: unsubscribed},
		{Name: "unknown business", Body: body(live.Topic("nosuchbusiness1")), Headers: auth(fx.AliceToken), ExpectedStatus: 403,
			ExpectedContent: []string{"seus próprios clientes"}, AfterTestFunc: unsubscribed},
	}
	for _, s := range scenarios {
		s.Method = http.MethodPost
		s.URL = "/api/realtime"
		s.TestAppFactory = factory
		s.BeforeTestFunc = before
		s.Test(t)
	}
}

// A message reaches the owner's subscribed clients only: not another
// operator's client that holds the topic (however it got it), not the
// owner's client that does not follow it.
func TestPublishOnlyToTheOwner(t *testing.T) {
	app := fx.NewApp(t)
	defer app.Cleanup()
	alice, err := app.FindRecordById("users", fx.AliceID)
	if err != nil {
		t.Fatal(err)
	}
	bob, err := app.FindRecordById("users", fx.BobID)
	if err != nil {
		t.Fatal(err)
	}
	topic := live.Topic(fx.AliceBusiness)
	newClient := func(auth *core.Record, subs ...string) bufferedClient {
		c := bufferedClient{subscriptions.NewDefaultClient(), make(chan subscriptions.Message, 1)}
		c.Set(apis.RealtimeClientAuthKey, auth)
		c.Subscribe(subs...)
		app.SubscriptionsBroker().Register(c)
		return c
	}
	owner := newClient(alice, topic)
	withOptions := newClient(alice, topic+"?options=%7B%7D")
	intruder := newClient(bob, topic)
	elsewhere := newClient(alice, "posts")

	if err := live.Publish(app, fx.AliceBusiness, fx.AliceID, map[string]string{"caption": "Olha o bo"}); err != nil {
		t.Fatal(err)
	}
	// Publish has offered every message by the time it returns.
	for c, name := range map[bufferedClient]string{owner: topic, withOptions: topic + "?options=%7B%7D"} {
		select {
		case m := <-c.ch:
			if m.Name != name || string(m.Data) != `{"caption":"Olha o bo"}` {
				t.Errorf("owner's client got %q %s", m.Name, m.Data)
			}
		default:
			t.Errorf("owner's client subscribed as %q got nothing", name)
		}
	}
	for _, c := range []bufferedClient{intruder, elsewhere} {
		select {
		case m := <-c.ch:
			t.Errorf("%v got %q %s", c.Subscriptions(), m.Name, m.Data)
		default:
		}
	}
}
