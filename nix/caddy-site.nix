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
  # superuser auth endpoints; null allows everyone. A second layer only: the
  # server refuses other addresses itself (REKAN_ADMIN_ALLOWED_IPS).
  adminAllowedIPs ? [
    "127.0.0.0/8"
    "::1/128"
  ],
}:
let
  # The security headers, shared with the server (which sends the same ones
  # when reached directly): every response, and the web app's HTML.
  securityHeaders = builtins.fromJSON (builtins.readFile ../api/internal/security/headers.json);
  headerLines =
    prefix: headers:
    builtins.concatStringsSep "\n" (
      map (name: "${prefix}${name} \"${headers.${name}}\"") (builtins.attrNames headers)
    );

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
  ${headerLines "\t" securityHeaders.all}
  	-Server
  }

  # The client's approval page and its API: no Referer (the token is in the
  # page's fragment), no indexing, the stricter CSP. Deferred, so it
  # replaces the headers above and the upstream's alike.
  @approval path /aprovar /aprovar.html /api/rekan/approval /api/rekan/approval/*
  header @approval {
  	defer
  ${headerLines "\t" securityHeaders.approval}
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

  # Build assets are files or 404s, never the SPA page.
  handle /_app/* {
  	root * ${webRoot}
  	header /_app/immutable/* Cache-Control "public, max-age=31536000, immutable"
  	file_server
  }

  handle {
  	root * ${webRoot}
  	@html path / *.html
  	route {
  		# Prerendered pages, then the SPA fallback for client-side routes.
  		try_files {path} {path}.html {path}/index.html /200.html
  		header @html Cache-Control "no-cache"
  ${headerLines "\t\theader @html " securityHeaders.html}
  		file_server
  	}
  }
''
