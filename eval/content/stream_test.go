package content_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/fakellm"
)

// The streamed call shows the captions growing and ends with exactly what
// the plain call returns for the same reply.
func TestStreamPostsEndsAsWritePosts(t *testing.T) {
	f := newFixture(t)
	req := sampleRequest(content.RoleProduct, content.RoleTip)
	f.fake.SetPace(fakellm.Pace{TokensPerSecond: 5000})
	var partials [][]content.PartialPost
	streamed, err := f.writer.StreamPosts(context.Background(), req, func(p []content.PartialPost) {
		partials = append(partials, p)
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := f.fake.Requests(); len(r) != 1 || !r[0].Stream {
		t.Fatalf("the provider was not asked to stream: %d requests", len(r))
	}
	f.fake.Reset() // same default reply, unpaced
	plain, err := f.writer.WritePosts(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(streamed, plain) {
		t.Fatalf("streamed %+v\nplain %+v", streamed, plain)
	}
	cut := false
	for _, p := range partials {
		if len(p) > 0 && p[0].Caption != "" && strings.HasPrefix(plain.Posts[0].Caption, p[0].Caption) && p[0].Caption != plain.Posts[0].Caption {
			cut = true
		}
	}
	if !cut {
		t.Fatalf("no partial showed the first caption part-written in %d partials", len(partials))
	}
}

// A provider that drops every stream mid-caption is a provider failure,
// never the part written so far as an answer.
func TestStreamPostsBrokenStreamFails(t *testing.T) {
	f := newFixture(t)
	f.fake.SetPace(fakellm.Pace{BreakAfterChars: 120})
	var seen int
	_, err := f.writer.StreamPosts(context.Background(), sampleRequest(content.RoleProduct), func([]content.PartialPost) { seen++ })
	if !errors.Is(err, content.ErrProvider) {
		t.Fatalf("want ErrProvider, got %v", err)
	}
	if seen == 0 {
		t.Fatal("no partial before the break")
	}
	if got := len(f.fake.Requests()); got != attemptsPerCall {
		t.Fatalf("%d attempts, want %d", got, attemptsPerCall)
	}
}

func TestStreamPostsUnparsableOutput(t *testing.T) {
	f := newFixture(t)
	f.fake.Enqueue(fakellm.Reply{Content: "não sei escrever posts", Times: attemptsPerCall})
	if _, err := f.writer.StreamPosts(context.Background(), sampleRequest(content.RoleProduct), nil); !errors.Is(err, content.ErrInvalidOutput) {
		t.Fatalf("want ErrInvalidOutput, got %v", err)
	}
}

func TestStreamPostsTooFewPosts(t *testing.T) {
	f := newFixture(t)
	f.fake.Enqueue(fakellm.Reply{Content: `[{"role":"produto","hook":"Oi","caption":"Oi, gente","hashtags":["#bolo"],"production_note":"foto"}]`, Times: attemptsPerCall})
	_, err := f.writer.StreamPosts(context.Background(), sampleRequest(content.RoleProduct, content.RoleTip), nil)
	if !errors.Is(err, content.ErrInvalidOutput) {
		t.Fatalf("want ErrInvalidOutput, got %v", err)
	}
}

// The provider failing every attempt streams nothing: a provider failure,
// as WritePosts reports it.
func TestStreamPostsProviderFailsEveryAttempt(t *testing.T) {
	f := newFixture(t)
	f.fake.Enqueue(fakellm.Reply{Status: 500, Body: `{"error":{"message":"upstream exploded"}}`, Times: attemptsPerCall})
	_, err := f.writer.StreamPosts(context.Background(), sampleRequest(content.RoleProduct), nil)
	if !errors.Is(err, content.ErrProvider) {
		t.Fatalf("want ErrProvider, got %v", err)
	}
	if got := len(f.fake.Requests()); got != attemptsPerCall {
		t.Fatalf("%d attempts, want %d", got, attemptsPerCall)
	}
}
