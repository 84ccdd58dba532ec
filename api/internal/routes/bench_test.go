package routes_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/clock"

	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/testutil"
)

// BenchmarkGenerate profiles the route's own cost (the Writer is scripted):
// go test -run x -bench Generate -cpuprofile cpu.out ./internal/routes/
func BenchmarkGenerate(b *testing.B) {
	app := fx.NewApp(b)
	defer app.Cleanup()
	app.Settings().RateLimits.Enabled = false
	r, err := apis.NewRouter(app)
	if err != nil {
		b.Fatal(err)
	}
	routes.Bind(r, routes.Deps{Content: testutil.Content{Writer: &scriptedWriter{}, Configured: true}})
	mux, err := r.BuildMux()
	if err != nil {
		b.Fatal(err)
	}
	server := httptest.NewServer(mux)
	defer server.Close()
	url := server.URL + "/api/rekan/businesses/" + fx.AliceBusiness + "/posts:generate"
	b.ResetTimer()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"brief":"bolo de cenoura"}`))
		req.Header.Set("Authorization", fx.AliceToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
}

// BenchmarkAgenda times GET /api/rekan/agenda for an operator with 30
// clients and 6,000 dated posts against a plain list of the same posts
// through the records API (1,000 a page, what the browser would fetch
// without the route). `make bench-agenda` prints both and their ratio.
func BenchmarkAgenda(b *testing.B) {
	defer clock.Set(time.Date(2026, 4, 20, 15, 0, 0, 0, time.UTC))()
	app := fx.NewApp(b)
	defer app.Cleanup()
	app.Settings().RateLimits.Enabled = false
	seedManyPosts(b, app, 30, 6000)
	r, err := apis.NewRouter(app)
	if err != nil {
		b.Fatal(err)
	}
	routes.Bind(r, routes.Deps{Content: testutil.Content{Writer: &scriptedWriter{}, Configured: true}})
	mux, err := r.BuildMux()
	if err != nil {
		b.Fatal(err)
	}
	server := httptest.NewServer(mux)
	defer server.Close()
	get := func(b *testing.B, url string) []byte {
		req, _ := http.NewRequest(http.MethodGet, server.URL+url, nil)
		req.Header.Set("Authorization", fx.AliceToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d %s", url, res.StatusCode, body)
		}
		return body
	}
	b.Run("agenda", func(b *testing.B) {
		for b.Loop() {
			get(b, "/api/rekan/agenda")
		}
	})
	b.Run("plain-list", func(b *testing.B) {
		for b.Loop() {
			for page := 1; page <= 6; page++ {
				get(b, fmt.Sprintf("/api/collections/posts/records?perPage=1000&page=%d&skipTotal=1&sort=publish_on&filter=%s", page, url.QueryEscape("publish_on != ''")))
			}
		}
	})
}

// seedManyPosts gives Alice clients businesses and posts dated posts
// spread over a year around 2026-04-20, in one transaction.
func seedManyPosts(b *testing.B, app core.App, clients, posts int) {
	stages := []string{"rascunho", "enviado", "aprovado", "ajuste", "publicado", "arquivado"}
	err := app.RunInTransaction(func(tx core.App) error {
		ids := make([]string, clients)
		for i := range ids {
			id, err := testutil.NewBusiness(tx, fx.AliceID, fmt.Sprintf("Cliente %02d", i))
			if err != nil {
				return err
			}
			ids[i] = id
		}
		for i := range posts {
			id, err := testutil.NewPost(tx, ids[i%clients], fmt.Sprintf("pedido %d", i), "produto", fmt.Sprintf("Post %d", i))
			if err != nil {
				return err
			}
			p, err := tx.FindRecordById("posts", id)
			if err != nil {
				return err
			}
			day := time.Date(2025, 10, 20, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%365)
			p.Set("publish_on", day.Format("2006-01-02"))
			p.Set("stage", stages[i%len(stages)])
			if err := tx.SaveNoValidate(p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
