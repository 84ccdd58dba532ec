# The Caddyfile site block body for one Rekan instance, as plain Nix (no
# nixpkgs): the NixOS module puts it into
# services.caddy.virtualHosts.<domain>.extraConfig, and CI evaluates it with
# nix-instantiate to validate and run it in a real Caddy (nix/checks/caddy.sh).
{
  # host:port of the Rekan server (it listens on loopback only).
  upstream,
  # Directory of the web build (the web package's output).
  webRoot,
  # Addresses/CIDRs allowed to reach the PocketBase admin UI (/_/) and the
  # superuser auth endpoints; null allows everyone.
  adminAllowedIPs ? [
    "127.0.0.1/8"
    "::1/128"
  ],
}:
let
  # SvelteKit's bootstrap is an inline <script>, hence 'unsafe-inline' for
  # scripts; everything else is same-origin (the API included).
  csp = builtins.concatStringsSep "; " [
    "default-src 'self'"
    "script-src 'self' 'unsafe-inline'"
    "style-src 'self' 'unsafe-inline'"
    "img-src 'self' data: blob:"
    "font-src 'self' data:"
    "connect-src 'self'"
    "frame-ancestors 'none'"
    "base-uri 'self'"
    "form-action 'self'"
    "object-src 'none'"
  ];

  # Caddy sets X-Forwarded-For to the connecting address itself (it trusts no
  # incoming XFF without trusted_proxies), which is what the server's
  # REKAN_TRUSTED_PROXY_HEADERS=X-Forwarded-For relies on.
  #
  # While the server restarts nothing listens on the upstream port; Caddy then
  # holds the request and dials again every lb_try_interval instead of
  # answering 502. A dial that fails never sent the request, so this is safe
  # for POSTs too. lb_try_duration covers the longest gap the unit allows:
  # the HTTP server stops (<= 1 s), the BAML runtime stops (<= 5 s),
  # RestartSec (1 s, nix/service-settings.nix) and the new process listens
  # (it does so before its BAML runtime is up). The drain before all this
  # keeps the old server listening, so it adds nothing here.
  proxy = ''
    reverse_proxy ${upstream} {
    		lb_try_duration 10s
    		lb_try_interval 250ms
    	}'';

  adminGuard =
    if adminAllowedIPs == null then
      ""
    else
      ''
        @outsider not remote_ip ${builtins.concatStringsSep " " adminAllowedIPs}
        	respond @outsider "Forbidden" 403
      '';

  adminHandle = path: ''
    handle ${path} {
    	${adminGuard}	${proxy}
    }
  '';
in
''
  encode zstd gzip

  header {
  	Strict-Transport-Security "max-age=31536000; includeSubDomains"
  	X-Content-Type-Options "nosniff"
  	X-Frame-Options "DENY"
  	Referrer-Policy "strict-origin-when-cross-origin"
  	Cross-Origin-Opener-Policy "same-origin"
  	Permissions-Policy "camera=(), microphone=(), geolocation=(), payment=()"
  	-Server
  }

  # PocketBase redirects /_ itself, but the SPA fallback would answer first.
  redir /_ /_/ 308

  # The admin UI and the superuser login are the only ways to a superuser
  # session; both are limited to adminAllowedIPs. Longer paths sort first, so
  # these blocks win over /api/*.
  ${adminHandle "/_/*"}
  ${adminHandle "/api/collections/_superusers/*"}
  handle /api/* {
  	${proxy}
  }

  handle {
  	root * ${webRoot}
  	@html path / *.html
  	route {
  		# Prerendered pages, then the SPA fallback for client-side routes.
  		try_files {path} {path}.html {path}/index.html /200.html
  		header /_app/immutable/* Cache-Control "public, max-age=31536000, immutable"
  		header @html Cache-Control "no-cache"
  		header @html Content-Security-Policy "${csp}"
  		file_server
  	}
  }
''
