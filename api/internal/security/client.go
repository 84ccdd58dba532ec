package security

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

const clientAddressID = "rekanClientAddress"

// clientAddress settles the client's address once, before anything reads
// it (CORS, the activity log, the rate limiter, the superuser allow-list in
// PocketBase and in adminGuard), so every reader gets the same answer from
// PocketBase's RealIP:
//
//   - behind a trusted proxy, the last entry of the first trusted header
//     present (the one the proxy wrote); when that entry is not an address
//     ("unknown", "ip:port"), the connection's address. PocketBase would
//     instead walk back to an earlier entry, which the client wrote.
//   - an IPv4-mapped IPv6 address (::ffff:127.0.0.1) is its IPv4 address.
//     settings.AdminAllowedIPs unmaps the allow-list the same way, so
//     PocketBase's comparison and adminGuard's agree.
func clientAddress() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       clientAddressID,
		Priority: apis.DefaultWWWRedirectMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			settleClientAddress(e.Request, e.App.Settings().TrustedProxy.Headers)
			return e.Next()
		},
	}
}

// settleClientAddress rewrites the request so that RealIP reads the client
// address as decided above: the connection's address unmapped, and the
// trusted headers replaced by the first one holding that one address.
func settleClientAddress(r *http.Request, trusted []string) {
	conn, err := netip.ParseAddrPort(r.RemoteAddr)
	var client netip.Addr
	if err == nil {
		client = conn.Addr().Unmap()
		r.RemoteAddr = netip.AddrPortFrom(client, conn.Port()).String()
	}
	if len(trusted) == 0 {
		return
	}
	for _, name := range trusted {
		values := r.Header.Values(name)
		if len(values) == 0 || values[len(values)-1] == "" {
			continue
		}
		list := values[len(values)-1]
		last := strings.TrimSpace(list[strings.LastIndex(list, ",")+1:])
		if addr, err := netip.ParseAddr(last); err == nil {
			client = addr.Unmap()
		}
		break
	}
	for _, name := range trusted {
		r.Header.Del(name)
	}
	if client.IsValid() {
		r.Header.Set(trusted[0], client.String())
	}
}
