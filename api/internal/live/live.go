// Package live sends posts being written to the operator who owns their
// business, through PocketBase's realtime broker, before anything is stored.
// PocketBase checks collection rules only for record topics; a custom topic
// is open to any client, so this package guards both ends: a subscription
// to a business's topic needs its owner's auth, and a message goes only to
// clients whose auth still owns it.
package live

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/rekan/rekan/api/internal/business"
)

// topicPrefix starts every business's topic: rekan/posts/<business id>.
const topicPrefix = "rekan/posts/"

// MsgForbidden refuses a subscription to a business the operator does not own.
const MsgForbidden = "Você só pode acompanhar os posts dos seus próprios clientes."

// Topic is the realtime topic of a business's posts being written.
func Topic(businessID string) string { return topicPrefix + businessID }

// Bind refuses, before PocketBase subscribes anyone, a subscription request
// naming the topic of a business its auth does not own (guests included).
func Bind(app core.App) {
	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		for _, sub := range e.Subscriptions {
			id, ok := businessOf(sub)
			if !ok {
				continue
			}
			if !owns(e.App, e.Auth, id) {
				return e.ForbiddenError(MsgForbidden, nil)
			}
		}
		return e.Next()
	})
}

// businessOf reads the business id of a subscription to one of our topics
// (the SDK may append ?options=… to a topic).
func businessOf(sub string) (string, bool) {
	topic := sub
	if u, err := url.Parse(sub); err == nil {
		topic = u.Path
	}
	id, ok := strings.CutPrefix(topic, topicPrefix)
	return id, ok
}

func owns(app core.App, auth *core.Record, businessID string) bool {
	if auth == nil || auth.Collection().Name != "users" || businessID == "" {
		return false
	}
	biz, err := app.FindRecordById(business.Collection, businessID)
	return err == nil && biz.GetString("owner") == auth.Id
}

// Publish sends data, as JSON, on the business's topic to the clients
// subscribed to it whose auth is the owner.
func Publish(app core.App, businessID, ownerID string, data any) error {
	// Encoded once, for the first tab that follows the topic: most partial
	// posts of most generations have nobody watching, and encoding each
	// was a fiftieth of a generation's CPU (make bench-generation).
	var payload []byte
	topic := Topic(businessID)
	for _, client := range app.SubscriptionsBroker().Clients() {
		sub, ok := subscription(client, topic)
		if client.IsDiscarded() || !ok {
			continue
		}
		auth, _ := client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if auth == nil || auth.Id != ownerID || auth.Collection().Name != "users" {
			continue
		}
		if payload == nil {
			var err error
			if payload, err = json.Marshal(data); err != nil {
				return fmt.Errorf("live: encode: %w", err)
			}
		}
		// The SDK listens under the subscription as it sent it.
		offer(client, subscriptions.Message{Name: sub, Data: payload})
	}
	return nil
}

// sendWait is how long a message waits for a client's connection to take
// it. Each message holds all the text so far, so one a slow tab misses is
// made good by the next; the generation never waits on a stalled tab.
const sendWait = 100 * time.Millisecond

// offer hands m to client unless it is not taken within sendWait. The
// broker's Send would block as long as the connection stalls.
func offer(client subscriptions.Client, m subscriptions.Message) {
	// The channel closes when the client is discarded meanwhile.
	defer func() { _ = recover() }()
	timer := time.NewTimer(sendWait)
	defer timer.Stop()
	select {
	case client.Channel() <- m:
	case <-timer.C:
	}
}

// subscription is client's subscription to topic, with or without options.
func subscription(client subscriptions.Client, topic string) (string, bool) {
	for sub := range client.Subscriptions(topic) {
		if id, ok := businessOf(sub); ok && topicPrefix+id == topic {
			return sub, true
		}
	}
	return "", false
}
