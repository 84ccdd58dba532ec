# NixOS VM test (flake checks.<system>.vm, run by `nix flake check` on a
# machine with Nix and KVM): a node runs services.rekan behind Caddy on a
# plain-HTTP address, a second node plays a visitor from outside.
# Argument: the flake's nixosModules.default. Returns a module for
# pkgs.testers.runNixOSTest.
{ rekanModule }:
{
  name = "rekan";

  nodes.machine =
    { pkgs, ... }:
    {
      imports = [ rekanModule ];

      services.rekan = {
        enable = true;
        # http:// keeps Caddy away from ACME (the VM has no internet).
        domain = "http://localhost";
        settings.REKAN_APP_NAME = "Rekan VM";
      };
      # Extra instance: proves two instances coexist (units, users, dirs).
      services.rekan.instances.staging = {
        domain = "http://staging.localhost";
        port = 8091;
      };

      networking.firewall.allowedTCPPorts = [ 80 ];
      environment.systemPackages = [
        pkgs.curl
        pkgs.jq
      ];
      virtualisation.memorySize = 2048;
    };

  nodes.visitor =
    { pkgs, ... }:
    {
      environment.systemPackages = [ pkgs.curl ];
    };

  testScript =
    { nodes, ... }:
    let
      web = nodes.machine.services.rekan.webPackage;
    in
    ''
      import json

      start_all()

      machine.wait_for_unit("rekan.service")
      machine.wait_for_unit("rekan-staging.service")
      machine.wait_for_unit("caddy.service")
      machine.wait_for_open_port(8090)
      machine.wait_for_open_port(8091)
      machine.wait_for_open_port(80)

      base = "http://localhost"

      def curl(args):
          return machine.succeed(f"curl -fsS {args}")

      with subtest("server and its BAML runtime are healthy through Caddy"):
          machine.wait_until_succeeds(
              f"curl -fsS {base}/api/rekan/health | jq -e '.status == \"ok\" and .baml_runtime == \"ok\"'",
              timeout=180,
          )
          config = json.loads(curl(f"{base}/api/rekan/config"))
          assert config["app_name"] == "Rekan VM", config
          assert config["llm_configured"] is False, config

      with subtest("static site, SPA fallback and headers"):
          assert "<html" in curl(f"{base}/")
          curl(f"{base}/termos")
          curl(f"{base}/robots.txt")
          machine.succeed(f"cmp <(curl -fsS {base}/app/negocios/abc/posts) ${web}/200.html")
          html_headers = curl(f"-D - -o /dev/null {base}/").lower()
          assert "cache-control: no-cache" in html_headers, html_headers
          assert "content-security-policy:" in html_headers, html_headers
          assert "strict-transport-security:" in html_headers, html_headers
          assert "x-content-type-options: nosniff" in html_headers, html_headers
          assert "x-frame-options: deny" in html_headers, html_headers
          # The largest script, deterministically: find's directory order is
          # arbitrary, and SvelteKit's small entry stubs are under Caddy's
          # 512-byte `encode` minimum, so they are sent uncompressed.
          asset = machine.succeed(
              "cd ${web} && find _app/immutable -name '*.js' -printf '%s %p\\n' | sort -k1,1nr -k2 | head -n1 | cut -d' ' -f2-"
          ).strip()
          assert asset.endswith(".js"), asset
          asset_headers = curl(f"-H 'Accept-Encoding: zstd, gzip' -D - -o /dev/null {base}/{asset}").lower()
          assert "public, max-age=31536000, immutable" in asset_headers, asset_headers
          assert "content-encoding:" in asset_headers, asset_headers

      with subtest("API and admin UI are proxied; the admin UI only from the host"):
          curl(f"{base}/_/")
          visitor.wait_for_unit("multi-user.target")
          status = visitor.succeed(
              "curl -s -o /dev/null -w '%{http_code}' -H 'Host: localhost' http://machine/_/"
          )
          assert status == "403", status
          status = visitor.succeed(
              "curl -s -o /dev/null -w '%{http_code}' -H 'Host: localhost' http://machine/api/rekan/health"
          )
          assert status == "200", status
          status = machine.succeed(
              f"curl -s -o /dev/null -w '%{{http_code}}' -X POST -H 'Content-Type: application/json' "
              f"-d '{{\"brief\":\"bolo\",\"count\":1}}' {base}/api/rekan/businesses/nope/posts:generate"
          )
          assert status in ("401", "403", "404"), status

      with subtest("admin command creates an operator who can log in"):
          machine.succeed("rekan operator add maria@example.com 'uma-senha-longa-123'")
          token = curl(
              "-X POST -H 'Content-Type: application/json' "
              "-d '{\"identity\":\"maria@example.com\",\"password\":\"uma-senha-longa-123\"}' "
              f"{base}/api/collections/users/auth-with-password | jq -er .token"
          ).strip()
          assert token, "no token"
          # The staging instance has its own database: the operator is not there.
          machine.fail(
              "curl -fsS -X POST -H 'Content-Type: application/json' "
              "-d '{\"identity\":\"maria@example.com\",\"password\":\"uma-senha-longa-123\"}' "
              "-H 'Host: staging.localhost' http://127.0.0.1/api/collections/users/auth-with-password"
          )

      with subtest("admin commands go through the running server (PEP 013)"):
          assert machine.succeed("stat -c %a /var/lib/private/rekan/admin.sock").strip() == "600"
          assert "maria@example.com" in machine.succeed("rekan operator list")
          machine.fail("rekan migrate up")
          machine.succeed("systemctl stop rekan")
          assert "maria@example.com" in machine.succeed("rekan operator list")
          machine.succeed("systemctl start rekan")
          machine.wait_until_succeeds(f"curl -fsS {base}/api/health")

      with subtest("state lives in the dynamic user's state dir"):
          machine.succeed("test -f /var/lib/private/rekan/data.db")
          machine.succeed("test -f /var/lib/private/rekan-staging/data.db")

      with subtest("a TERM from outside systemd: the unit comes back, Caddy fails no request"):
          old_pid = machine.succeed("systemctl show -p MainPID --value rekan.service").strip()
          machine.succeed(
              "(for i in $(seq 60); do curl -fsS -o /dev/null http://localhost/api/rekan/config || exit 1; sleep 0.1; done) "
              f"& load=$!; sleep 0.5; kill -TERM {old_pid}; wait $load"
          )
          machine.wait_until_succeeds(
              f"test \"$(systemctl show -p MainPID --value rekan.service)\" != {old_pid}", timeout=30
          )
          machine.wait_for_unit("rekan.service")

      with subtest("hardening: exposure score at most 1.5"):
          print(machine.succeed("systemd-analyze security rekan.service | tail -n1"))
          machine.succeed("systemd-analyze security --threshold=15 rekan.service")
    '';
}
