// Package testutil builds PocketBase test apps with Rekan's migrations,
// hooks and two operators with their own data, for the ApiScenario tables.
package testutil

import (
	"fmt"
	"os"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/internal/database"
	"github.com/rekan/rekan/api/internal/post"
	_ "github.com/rekan/rekan/api/migrations"
)

// Password of the seeded operators.
const Password = "a-long-password"

// Fixture is a seeded data directory and the ids and tokens in it.
type Fixture struct {
	Dir string

	AliceID, BobID       string
	AliceToken, BobToken string
	// AliceBusiness and BobBusiness belong to their operator.
	AliceBusiness, BobBusiness string
	// AlicePost and BobPost are ready posts of those businesses.
	AlicePost, BobPost string
	// SuperuserToken authenticates a superuser.
	SuperuserToken string
}

// Seed creates a data directory with migrations applied, operators
// alice@example.com and bob@example.com, one business and one ready post
// each. Call Cleanup when done.
func Seed() (*Fixture, error) {
	empty, err := os.MkdirTemp("", "rekan-empty-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(empty)
	app, err := tests.NewTestApp(empty)
	if err != nil {
		return nil, fmt.Errorf("new test app: %w", err)
	}
	business.BindHooks(app)

	f := &Fixture{Dir: app.DataDir()}
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return nil, err
	}
	newOperator := func(email string) (*core.Record, string, error) {
		r := core.NewRecord(users)
		r.SetEmail(email)
		r.SetPassword(Password)
		r.SetVerified(true)
		if err := app.Save(r); err != nil {
			return nil, "", fmt.Errorf("save %s: %w", email, err)
		}
		token, err := r.NewAuthToken()
		return r, token, err
	}
	alice, aliceToken, err := newOperator("alice@example.com")
	if err != nil {
		return nil, err
	}
	bob, bobToken, err := newOperator("bob@example.com")
	if err != nil {
		return nil, err
	}
	f.AliceID, f.AliceToken, f.BobID, f.BobToken = alice.Id, aliceToken, bob.Id, bobToken

	su, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return nil, err
	}
	root := core.NewRecord(su)
	root.SetEmail("root@example.com")
	root.SetPassword(Password)
	if err := app.Save(root); err != nil {
		return nil, err
	}
	if f.SuperuserToken, err = root.NewAuthToken(); err != nil {
		return nil, err
	}

	if f.AliceBusiness, err = NewBusiness(app, alice.Id, "Confeitaria da Lu"); err != nil {
		return nil, err
	}
	if f.BobBusiness, err = NewBusiness(app, bob.Id, "Barbearia Navalha"); err != nil {
		return nil, err
	}
	if f.AlicePost, err = NewPost(app, f.AliceBusiness, "bolo de casamento", "produto", "Olha esse bolo!"); err != nil {
		return nil, err
	}
	if f.BobPost, err = NewPost(app, f.BobBusiness, "corte degradê", "dica", "Sabia que o degradê…"); err != nil {
		return nil, err
	}
	// Close the databases so the directory is a clean template to clone.
	if err := app.ResetBootstrapState(); err != nil {
		return nil, err
	}
	return f, nil
}

// SeedT is Seed for one test: it fails the test on error and removes the
// directory when the test ends.
func SeedT(t testing.TB) *Fixture {
	t.Helper()
	f, err := Seed()
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	t.Cleanup(f.Cleanup)
	return f
}

// Cleanup removes the seeded directory.
func (f *Fixture) Cleanup() { os.RemoveAll(f.Dir) }

// NewApp clones the fixture into a fresh test app with Rekan's record hooks
// and its database connections (database.Connect, as bin/api opens them).
func (f *Fixture) NewApp(t testing.TB) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{
		DataDir:          f.Dir,
		EncryptionEnv:    "pb_test_env",
		DBConnect:        database.Connect,
		DataMaxOpenConns: database.MaxOpenConns,
		DataMaxIdleConns: database.MaxIdleConns,
	})
	if err != nil {
		t.Fatalf("new test app: %v", err)
	}
	business.BindHooks(app)
	post.BindHooks(app)
	return app
}

// NewBusiness saves a complete business owned by owner.
func NewBusiness(app core.App, owner, name string) (string, error) {
	return NewBusinessID(app, "", owner, name)
}

// NewBusinessID is NewBusiness with a chosen id (a table's URL names it
// before the app exists); "" picks one.
func NewBusinessID(app core.App, id, owner, name string) (string, error) {
	c, err := app.FindCollectionByNameOrId("businesses")
	if err != nil {
		return "", err
	}
	r := core.NewRecord(c)
	if id != "" {
		r.Id = id
	}
	r.Load(map[string]any{
		"owner":    owner,
		"name":     name,
		"segment":  "confeitaria",
		"city":     "São Paulo",
		"state":    "SP",
		"phone":    "(11) 98765-4321",
		"services": []map[string]any{{"name": "Bolo de pote", "price_brl": 12.5}},
		"voice":    "carinhosa, informal",
		"facts":    []string{"receita da avó"},
	})
	if err := app.Save(r); err != nil {
		return "", fmt.Errorf("save business: %w", err)
	}
	return r.Id, nil
}

// NewRequest saves a request of one post, without photos.
func NewRequest(app core.App, businessID, brief string) (string, error) {
	c, err := app.FindCollectionByNameOrId("requests")
	if err != nil {
		return "", err
	}
	r := core.NewRecord(c)
	r.Load(map[string]any{"business": businessID, "brief": brief, "count": 1, "types": []string{}})
	if err := app.Save(r); err != nil {
		return "", fmt.Errorf("save request: %w", err)
	}
	return r.Id, nil
}

// NewPost saves a ready post, the one post of a new request of brief.
func NewPost(app core.App, businessID, brief, role, hook string) (string, error) {
	requestID, err := NewRequest(app, businessID, brief)
	if err != nil {
		return "", err
	}
	return NewPostOf(app, businessID, requestID, role, hook)
}

// NewPostOf saves a ready post of an existing request.
func NewPostOf(app core.App, businessID, requestID, role, hook string) (string, error) {
	c, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		return "", err
	}
	r := core.NewRecord(c)
	r.Load(map[string]any{
		"business":        businessID,
		"request":         requestID,
		"photos":          []string{},
		"caption":         hook + " Feito com carinho aqui no bairro.",
		"hashtags":        []string{"#bolo", "#confeitaria", "#saopaulo"},
		"production_note": "Foto de cima, luz natural da janela.",
		"role":            role,
		"hook":            hook,
		"status":          post.StatusReady,
		"stage":           post.StageDraft,
		"checks":          []any{},
		"model":           "seed",
	})
	if err := app.Save(r); err != nil {
		return "", fmt.Errorf("save post: %w", err)
	}
	return r.Id, nil
}

// CountPosts counts all posts.
func CountPosts(t testing.TB, app core.App) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM posts").Row(&n); err != nil {
		t.Fatalf("count posts: %v", err)
	}
	return n
}

// CountBusinesses counts all businesses.
func CountBusinesses(t testing.TB, app core.App) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM businesses").Row(&n); err != nil {
		t.Fatalf("count businesses: %v", err)
	}
	return n
}

// FindPost loads a post by id.
func FindPost(t testing.TB, app core.App, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById("posts", id)
	if err != nil {
		t.Fatalf("find post %s: %v", id, err)
	}
	return r
}

// PostsOf lists a business's posts, newest first.
func PostsOf(t testing.TB, app core.App, businessID string) []*core.Record {
	t.Helper()
	records, err := app.FindRecordsByFilter("posts", "business = {:b}", "-created", 0, 0, dbx.Params{"b": businessID})
	if err != nil {
		t.Fatalf("list posts: %v", err)
	}
	return records
}

// Main is a TestMain body: it seeds *fx, runs the package's tests, removes
// the seeded directory and exits with the tests' code.
func Main(m *testing.M, fx **Fixture) {
	f, err := Seed()
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
	*fx = f
	code := m.Run()
	f.Cleanup()
	os.Exit(code)
}

// RequestBrief is the brief of a post's request.
func RequestBrief(t testing.TB, app core.App, p *core.Record) string {
	t.Helper()
	req, err := app.FindRecordById("requests", p.GetString("request"))
	if err != nil {
		t.Fatalf("request of post %s: %v", p.Id, err)
	}
	return req.GetString("brief")
}

// ExpandedBrief is the brief of a post as a route answers it (the request
// expanded), or "".
func ExpandedBrief(p map[string]any) string {
	expand, _ := p["expand"].(map[string]any)
	req, _ := expand["request"].(map[string]any)
	brief, _ := req["brief"].(string)
	return brief
}
