package routes_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"

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
