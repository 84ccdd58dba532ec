package security_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/security"
	"github.com/rekan/rekan/api/internal/settings"
	"github.com/rekan/rekan/api/internal/testutil"
)

var fx *testutil.Fixture

func TestMain(m *testing.M) { testutil.Main(m, &fx) }

// httptest requests come from 192.0.2.1, outside the default allow-list.
const outsideAddr = "192.0.2.1"

func appWith(vars map[string]string) func(testing.TB) *tests.TestApp {
	return func(t testing.TB) *tests.TestApp {
		app := fx.NewApp(t)
		if err := settings.Apply(app, func(name string) string { return vars[name] }); err != nil {
			t.Fatal(err)
		}
		// Not what is tested here, and the many logins would trip it.
		app.Settings().RateLimits.Enabled = false
		return app
	}
}

func bind(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
	// What apis.Serve binds before OnServe.
	e.Router.Bind(apis.CORS(apis.CORSConfig{}))
	security.Bind(e.Router, false)
}

func superusersID(t *testing.T) string {
	t.Helper()
	app := fx.NewApp(t)
	defer app.Cleanup()
	c, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.Id, "pbc_") {
		t.Fatalf("superusers collection id %q", c.Id)
	}
	return c.Id
}

func TestAdminAllowList(t *testing.T) {
	suID := superusersID(t)
	login := `{"identity":"root@example.com","password":"` + testutil.Password + `"}`
	su := map[string]string{"Authorization": fx.SuperuserToken}
	defaults := map[string]string{}
	outsideAllowed := map[string]string{"REKAN_ADMIN_ALLOWED_IPS": outsideAddr + "/32"}
	behindProxy := map[string]string{"REKAN_TRUSTED_PROXY_HEADERS": "X-Forwarded-For"}

	cases := []struct {
		name    string
		vars    map[string]string
		method  string
		url     string
		body    string
		headers map[string]string
		status  int
		content []string
	}{
		{"superuser login by name", defaults, "POST", "/api/collections/_superusers/auth-with-password", login, nil, 403, []string{`"status":403`}},
		{"superuser login by id", defaults, "POST", "/api/collections/" + suID + "/auth-with-password", login, nil, 403, []string{`"status":403`}},
		{"superuser login by id, wrong password", defaults, "POST", "/api/collections/" + suID + "/auth-with-password", `{"identity":"root@example.com","password":"nope-nope"}`, nil, 403, nil},
		{"superuser password reset mail", defaults, "POST", "/api/collections/" + suID + "/request-password-reset", `{"email":"root@example.com"}`, nil, 403, nil},
		{"superuser OTP mail", defaults, "POST", "/api/collections/_superusers/request-otp", `{"email":"root@example.com"}`, nil, 403, nil},
		{"superuser auth methods", defaults, "GET", "/api/collections/" + suID + "/auth-methods", "", nil, 403, nil},
		{"existing superuser token: settings", defaults, "GET", "/api/settings", "", su, 403, nil},
		{"existing superuser token: backups", defaults, "GET", "/api/backups", "", su, 403, nil},
		{"existing superuser token: collections", defaults, "GET", "/api/collections", "", su, 403, nil},
		{"existing superuser token: users' records", defaults, "GET", "/api/collections/users/records", "", su, 403, nil},
		{"existing superuser token: auth refresh", defaults, "POST", "/api/collections/_superusers/auth-refresh", "", su, 403, nil},
		{"admin UI", defaults, "GET", "/_/", "", nil, 403, nil},
		{"admin UI asset", defaults, "GET", "/_/images/logo.svg", "", nil, 403, nil},
		{"forged X-Forwarded-For without a trusted proxy header", defaults, "POST", "/api/collections/" + suID + "/auth-with-password", login,
			map[string]string{"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1"}, 403, nil},
		{"forged X-Forwarded-For, token", defaults, "GET", "/api/settings", "",
			map[string]string{"Authorization": fx.SuperuserToken, "X-Forwarded-For": "127.0.0.1"}, 403, nil},
		{"behind the proxy: an outside client", behindProxy, "POST", "/api/collections/" + suID + "/auth-with-password", login,
			map[string]string{"X-Forwarded-For": "203.0.113.9"}, 403, nil},
		{"behind the proxy: a client on the host", behindProxy, "POST", "/api/collections/" + suID + "/auth-with-password", login,
			map[string]string{"X-Forwarded-For": "127.0.0.1"}, 200, []string{`"token":`}},
		{"behind the proxy: a forged leftmost entry does not count", behindProxy, "GET", "/api/settings", "",
			map[string]string{"Authorization": fx.SuperuserToken, "X-Forwarded-For": "127.0.0.1, 203.0.113.9"}, 403, nil},
		{"allowed address: login by id", outsideAllowed, "POST", "/api/collections/" + suID + "/auth-with-password", login, nil, 200, []string{`"token":`}},
		{"allowed address: settings with the token", outsideAllowed, "GET", "/api/settings", "", su, 200, []string{`"superuserIPs":["192.0.2.1/32"]`}},
		{"operators are not affected", defaults, "POST", "/api/collections/users/auth-with-password",
			`{"identity":"alice@example.com","password":"` + testutil.Password + `"}`, nil, 200, []string{`"token":`}},
		{"public routes are not affected", defaults, "GET", "/api/health", "", nil, 200, []string{`"code":200`}},
	}
	for _, c := range cases {
		s := tests.ApiScenario{
			Name:            c.name,
			Method:          c.method,
			URL:             c.url,
			Body:            strings.NewReader(c.body),
			Headers:         c.headers,
			ExpectedStatus:  c.status,
			ExpectedContent: c.content,
			ExpectedEvents:  map[string]int{},
			TestAppFactory:  appWith(c.vars),
			BeforeTestFunc:  bind,
		}
		if c.status == 403 {
			s.NotExpectedContent = []string{`"token"`}
			// Refused before any mail is sent or record is read.
			s.ExpectedEvents = map[string]int{"OnMailerSend": 0, "OnRecordAuthRequest": 0, "OnRecordRequestPasswordResetRequest": 0}
		}
		s.Test(t)
	}
}

func TestHeadersAndCORS(t *testing.T) {
	evil := map[string]string{"Origin": "https://evil.example"}
	check := func(want map[string]string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			for name, value := range want {
				if got := res.Header.Get(name); got != value {
					t.Errorf("%s: %q, want %q", name, got, value)
				}
			}
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "security headers on API responses", Method: "GET", URL: "/api/health",
			ExpectedStatus: 200, ExpectedContent: []string{`"code":200`},
			TestAppFactory: appWith(nil), BeforeTestFunc: bind,
			AfterTestFunc: check(security.Headers.All),
		},
		{
			Name: "no CORS grant for another origin by default", Method: "GET", URL: "/api/health", Headers: evil,
			ExpectedStatus: 200, ExpectedContent: []string{`"code":200`},
			TestAppFactory: appWith(nil), BeforeTestFunc: bind,
			AfterTestFunc: check(map[string]string{"Access-Control-Allow-Origin": ""}),
		},
		{
			Name: "a preflight from another origin gets no grant", Method: "OPTIONS", URL: "/api/collections/users/auth-with-password",
			Headers:        map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
			ExpectedStatus: 204, TestAppFactory: appWith(nil), BeforeTestFunc: bind,
			AfterTestFunc: check(map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Methods": ""}),
		},
		{
			Name: "serve --origins keeps PocketBase's CORS", Method: "GET", URL: "/api/health",
			Headers:        map[string]string{"Origin": "https://rekan.example"},
			ExpectedStatus: 200, ExpectedContent: []string{`"code":200`}, TestAppFactory: appWith(nil),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				e.Router.Bind(apis.CORS(apis.CORSConfig{AllowOrigins: []string{"https://rekan.example"}}))
				security.Bind(e.Router, true)
			},
			AfterTestFunc: check(map[string]string{"Access-Control-Allow-Origin": "https://rekan.example"}),
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
