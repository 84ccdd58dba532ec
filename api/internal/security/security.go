// Package security holds the boundaries the server keeps by itself, whether
// or not a proxy stands in front: superuser access only from the allowed
// addresses, the security headers, same-origin CORS by default, and a data
// directory only the service user can read.
package security

import (
	_ "embed"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

//go:embed headers.json
var headersJSON []byte

// Headers are the security headers of every response (All) and, on top, of
// the web app's HTML pages (HTML). nix/caddy-site.nix reads the same file.
var Headers = mustHeaders()

type headerSet struct {
	All      map[string]string `json:"all"`
	HTML     map[string]string `json:"html"`
	Approval map[string]string `json:"approval"`
}

func mustHeaders() headerSet {
	var h headerSet
	if err := json.Unmarshal(headersJSON, &h); err != nil || len(h.All) == 0 || len(h.HTML) == 0 || len(h.Approval) == 0 {
		panic("security: headers.json is invalid")
	}
	return h
}

// SetHTMLHeaders adds the HTML-only headers (the CSP) to a web app page.
func SetHTMLHeaders(h http.Header) {
	for name, value := range Headers.HTML {
		h.Set(name, value)
	}
}

// ApprovalPage is the client's approval page (its token travels in the
// fragment, which never reaches the server).
const ApprovalPage = "/aprovar"

// SetApprovalHeaders adds the approval page's headers (no Referer, no
// indexing, its CSP) on top of the others.
func SetApprovalHeaders(h http.Header) {
	for name, value := range Headers.Approval {
		h.Set(name, value)
	}
}

// Bind installs the server's own boundaries on the router. originsGiven
// says whether the operator chose CORS origins with `serve --origins`;
// otherwise PocketBase's default ("*") is replaced by same-origin only.
func Bind(r *router.Router[*core.RequestEvent], originsGiven bool) {
	r.Bind(clientAddress())
	r.Bind(jsonText())
	r.Bind(adminGuard())
	r.Bind(securityHeaders())
	if !originsGiven {
		r.Unbind(apis.DefaultCorsMiddlewareId)
		r.Bind(sameOriginCORS())
	}
}

const (
	adminGuardID    = "rekanAdminGuard"
	securityHeadsID = "rekanSecurityHeaders"
)

// adminGuard answers 403 to every request for the admin UI (/_/) or for the
// superusers collection (by name or by id: PocketBase resolves both) from an
// address outside SuperuserIPs (REKAN_ADMIN_ALLOWED_IPS). PocketBase itself
// already refuses a superuser token or login from such an address; this
// also keeps the admin UI, the login form and the password-reset and OTP
// mails out of reach. The address is PocketBase's RealIP: the trusted proxy
// headers when configured, the connection otherwise.
func adminGuard() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       adminGuardID,
		Priority: apis.DefaultSuperuserIPsWhitelistMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			if !isAdminRequest(e.App, e.Request.URL.Path) {
				return e.Next()
			}
			allowedIPs := e.App.Settings().SuperuserIPs
			if len(allowedIPs) == 0 || ipAllowed(allowedIPs, e.RealIP()) {
				return e.Next()
			}
			return e.ForbiddenError("", errors.New("admin request from an address outside REKAN_ADMIN_ALLOWED_IPS"))
		},
	}
}

func isAdminRequest(app core.App, urlPath string) bool {
	if urlPath == "/_" || strings.HasPrefix(urlPath, "/_/") {
		return true
	}
	rest, ok := strings.CutPrefix(urlPath, "/api/collections/")
	if !ok {
		return false
	}
	nameOrID, _, _ := strings.Cut(rest, "/")
	if nameOrID == "" {
		return false
	}
	collection, err := app.FindCachedCollectionByNameOrId(nameOrID)
	return err == nil && collection.Name == core.CollectionNameSuperusers
}

// ipAllowed reports whether ip is one of the addresses or inside one of the
// CIDR ranges of list. It is PocketBase's rule (the superuser login and
// token checks), word for word: clientAddress and settings.AdminAllowedIPs
// unmap both sides beforehand, so neither needs to here.
func ipAllowed(list []string, ip string) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, item := range list {
		if prefix, err := netip.ParsePrefix(item); err == nil {
			if prefix.Contains(addr) {
				return true
			}
			continue
		}
		if other, err := netip.ParseAddr(item); err == nil && other == addr {
			return true
		}
	}
	return false
}

// securityHeaders sets the headers the Caddy block sets on every response,
// so a server reached directly (make run, an SSH tunnel) sends them too. It
// runs after PocketBase's own (X-Frame-Options SAMEORIGIN becomes DENY,
// like behind Caddy).
func securityHeaders() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       securityHeadsID,
		Priority: apis.DefaultSecurityHeadersMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			for name, value := range Headers.All {
				e.Response.Header().Set(name, value)
			}
			return e.Next()
		},
	}
}

// sameOriginCORS allows no other origin: the web app and the API share one
// origin, so a browser never needs Access-Control-Allow-Origin for them,
// and a page elsewhere cannot read API responses.
func sameOriginCORS() *hook.Handler[*core.RequestEvent] {
	return apis.CORS(apis.CORSConfig{
		AllowOriginFunc: func(string) (bool, error) { return false, nil },
	})
}
