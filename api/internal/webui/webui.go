// Package webui serves the SvelteKit build (adapter-static) the way Caddy
// does in production: files as they are, prerendered pages without their
// .html, and 200.html for every other client-side route.
//
// Files go out through PocketBase's e.FileFS. apis.Static itself does not
// fit: its fallback is index.html (here the prerendered landing page, not
// the SPA shell 200.html), it does not resolve "/page" to page.html, and it
// redirects trailing slashes.
package webui

import (
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rekan/rekan/api/internal/security"
)

// ResolveDir returns the web build to serve: REKAN_WEB_DIR when set,
// otherwise web/build under the working directory when it exists, otherwise
// "" (nothing to serve).
func ResolveDir(getenv func(string) string) string {
	if dir := getenv("REKAN_WEB_DIR"); dir != "" {
		return dir
	}
	if info, err := os.Stat("web/build"); err == nil && info.IsDir() {
		return "web/build"
	}
	return ""
}

// Bind adds a catch-all GET route serving dir. PocketBase's own routes
// (/api/, /_/) are more specific, so they keep winning.
func Bind(r *router.Router[*core.RequestEvent], dir string) {
	fsys := os.DirFS(dir)
	r.GET("/{path...}", func(e *core.RequestEvent) error {
		return serve(e, fsys)
	})
}

func serve(e *core.RequestEvent, fsys fs.FS) error {
	urlPath := path.Clean("/" + e.Request.PathValue("path"))
	if isReserved(urlPath) {
		return e.NotFoundError("", nil)
	}
	name := strings.TrimPrefix(urlPath, "/")
	candidates := []string{name, name + ".html", path.Join(name, "index.html")}
	if name == "" {
		candidates = []string{"index.html"}
	}
	for _, candidate := range candidates {
		if isFile(fsys, candidate) {
			return sendFile(e, fsys, candidate)
		}
	}
	// Missing assets are real 404s; everything else is a client-side route.
	if underDir(strings.ToLower(urlPath), assetsDir) || path.Ext(urlPath) != "" && path.Ext(urlPath) != ".html" {
		return e.NotFoundError("", nil)
	}
	if isFile(fsys, "200.html") {
		return sendFile(e, fsys, "200.html")
	}
	return e.NotFoundError("", nil)
}

// The prefixes that are never a page, matched in any letter case (a path
// is case-sensitive, so /_APP/x is no asset, and a page there would hide
// the mistake): the server's own (answered with the API's JSON 404 when no
// API route took them; its routes are case-sensitive, so /API/x is an
// unknown API route) and the build's assets (a file or a 404).
// nix/caddy-site.nix routes the same prefixes, and Caddy's path matchers
// ignore case too.
var serverDirs = []string{"/api", "/_"}

const assetsDir = "/_app"

// isReserved reports whether urlPath belongs to the server, not the web app.
func isReserved(urlPath string) bool {
	lower := strings.ToLower(urlPath)
	for _, dir := range serverDirs {
		if underDir(lower, dir) {
			return true
		}
	}
	return false
}

// underDir reports whether the cleaned urlPath is dir or inside it.
func underDir(urlPath, dir string) bool {
	return urlPath == dir || strings.HasPrefix(urlPath, dir+"/")
}

func isFile(fsys fs.FS, name string) bool {
	if name == "" || name == "." {
		return false
	}
	info, err := fs.Stat(fsys, name)
	return err == nil && !info.IsDir()
}

// sendFile serves name with the headers its kind needs (set first: FileFS
// writes the response).
func sendFile(e *core.RequestEvent, fsys fs.FS, name string) error {
	switch {
	case strings.HasPrefix(name, "_app/immutable/"):
		e.Response.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	case strings.HasSuffix(name, ".html"):
		e.Response.Header().Set("Cache-Control", "no-cache")
		security.SetHTMLHeaders(e.Response.Header())
		if e.Request.URL.Path == security.ApprovalPage {
			// After the HTML set: its CSP is the stricter one.
			security.SetApprovalHeaders(e.Response.Header())
		}
	}
	e.Response.Header().Set("X-Content-Type-Options", "nosniff")
	return e.FileFS(fsys, name)
}
