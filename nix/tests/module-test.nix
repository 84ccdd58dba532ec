# Module test without nixpkgs: evaluates the flake's real
# nixosModules.default with lib.evalModules from nixpkgs.lib (a path given by
# nix/checks/module.sh), against minimal declarations of the NixOS options
# the module sets. Run:
#   nix-instantiate --eval --strict --json nix/tests/module-test.nix --arg nixpkgsLib /path/to/nixpkgs.lib
# The result lists the failed cases; nix/checks/module.sh fails unless empty.
{ nixpkgsLib }:
let
  lib = import (nixpkgsLib + "/lib");
  inherit (lib) types mkOption;

  fakePackage = name: mainProgram: {
    type = "derivation";
    inherit name;
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
    meta = { inherit mainProgram; };
  };
  own = {
    api = fakePackage "rekan-api" "api";
    web = fakePackage "rekan-web" null;
    baml-runtime = fakePackage "baml-runtime" "baml-cli";
  };

  # The flake's outputs, with a stand-in `self` whose packages are the fakes
  # above and a nixpkgs that only offers lib (nothing else may be needed).
  flake = (import ../../flake.nix).outputs {
    self = {
      packages.x86_64-linux = own;
    };
    nixpkgs = { inherit lib; };
  };
  rekanModule = flake.nixosModules.default;

  pkgsStub = {
    stdenv.hostPlatform.system = "x86_64-linux";
    writeShellScriptBin = name: text: {
      type = "derivation";
      inherit name text;
      outPath = "/nix/store/00000000000000000000000000000000-${name}";
    };
  };

  # Minimal declarations of the NixOS options the module sets, with the types
  # NixOS gives them (nixos/lib/systemd-unit-options.nix, caddy module).
  nixosStubs = {
    options = {
      assertions = mkOption {
        type = types.listOf types.unspecified;
        default = [ ];
      };
      warnings = mkOption {
        type = types.listOf types.str;
        default = [ ];
      };
      environment.systemPackages = mkOption {
        type = types.listOf types.package;
        default = [ ];
      };
      systemd.package = mkOption {
        type = types.package;
        default = fakePackage "systemd" "systemctl";
      };
      systemd.services = mkOption {
        default = { };
        type = types.attrsOf (
          types.submodule {
            options = {
              description = mkOption {
                type = types.str;
                default = "";
              };
              wantedBy = mkOption {
                type = types.listOf types.str;
                default = [ ];
              };
              wants = mkOption {
                type = types.listOf types.str;
                default = [ ];
              };
              after = mkOption {
                type = types.listOf types.str;
                default = [ ];
              };
              environment = mkOption {
                type = types.attrsOf (
                  types.nullOr (
                    types.oneOf [
                      types.str
                      types.path
                      types.package
                    ]
                  )
                );
                default = { };
              };
              restartTriggers = mkOption {
                type = types.listOf types.unspecified;
                default = [ ];
              };
              startLimitIntervalSec = mkOption { type = types.int; };
              startLimitBurst = mkOption { type = types.int; };
              serviceConfig = mkOption {
                type = types.attrsOf (
                  types.oneOf [
                    types.bool
                    types.int
                    types.str
                    (types.listOf types.str)
                  ]
                );
                default = { };
              };
            };
          }
        );
      };
      networking.firewall = {
        enable = mkOption {
          type = types.bool;
          default = true;
        };
        allowedTCPPorts = mkOption {
          type = types.listOf types.port;
          default = [ ];
        };
        allowedTCPPortRanges = mkOption {
          type = types.listOf (types.attrsOf types.port);
          default = [ ];
        };
      };
      services.caddy = {
        enable = mkOption {
          type = types.bool;
          default = false;
        };
        virtualHosts = mkOption {
          default = { };
          type = types.attrsOf (
            types.submodule {
              options.extraConfig = mkOption {
                type = types.lines;
                default = "";
              };
            }
          );
        };
      };
    };
  };

  eval =
    config:
    (lib.evalModules {
      modules = [
        nixosStubs
        rekanModule
        { _module.args.pkgs = pkgsStub; }
        config
      ];
    });

  # Whether evaluating the whole config fails (type errors are throws).
  fails = config: !(builtins.tryEval (builtins.deepSeq (eval config).config.systemd.services true)).success;

  failedAssertions = c: map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions);
  failedWith = config: failedAssertions (eval config).config;

  # The default instance on a.example.com, plus the given top-level options.
  enabled = extra: {
    services.rekan = {
      enable = true;
      domain = "a.example.com";
    }
    // extra;
  };

  minimal = {
    services.rekan = {
      enable = true;
      domain = "rekan.example.com";
    };
  };
  m = eval minimal;
  mc = m.config;
  svc = mc.systemd.services.rekan;

  two = eval {
    services.rekan = {
      enable = true;
      domain = "rekan.example.com";
      settings.REKAN_WRITER_MODEL = "w";
      envFile = "/run/secrets/rekan.env";
    };
    services.rekan.instances.staging = {
      domain = "http://staging.example.com";
      port = 8091;
      envFile = "/run/secrets/staging.env";
      adminAllowedIPs = null;
      settings = {
        REKAN_APP_NAME = "Rekan (staging)";
        REKAN_SOME_FLAG = true;
        REKAN_DROPPED = null;
        REKAN_RETRIES = 3;
      };
    };
  };
  tc = two.config;
  staging = tc.systemd.services.rekan-staging;

  # name -> bool; a failing case shows its name in the output.
  cases = {
    # --- option declarations: types and defaults
    "port type is port" = m.options.services.rekan.port.type.name == "unsignedInt16";
    "port default 8090" = m.options.services.rekan.port.default == 8090;
    "package default is the flake's api" = m.options.services.rekan.package.default == own.api;
    "package defaultText names the flake's package" =
      m.options.services.rekan.package.defaultText == {
        _type = "literalExpression";
        text = "rekan.packages.\${pkgs.stdenv.hostPlatform.system}.api";
      };
    "instance package defaultText names the top level" =
      (m.options.services.rekan.instances.type.getSubOptions [ ]).package.defaultText.text
      == "config.services.rekan.package";
    "webPackage default is the flake's web" = m.options.services.rekan.webPackage.default == own.web;
    "bamlRuntime default is the flake's runtime" =
      m.options.services.rekan.bamlRuntime.default == own.baml-runtime;
    "envFile default null" = m.options.services.rekan.envFile.default == null;
    "adminAllowedIPs default loopback" =
      mc.services.rekan.adminAllowedIPs == [
        "127.0.0.1/8"
        "::1/128"
      ];
    "disabled module sets nothing" = (eval { }).config.systemd.services == { };
    "disabled module enables no caddy" = !(eval { }).config.services.caddy.enable;

    # --- the minimal configuration of the plan
    "minimal: no failed assertions" = failedAssertions mc == [ ];
    "minimal: no warnings" = mc.warnings == [ ];
    "minimal: one unit rekan" = builtins.attrNames mc.systemd.services == [ "rekan" ];
    "minimal: serviceConfig is the plain service-settings.nix" =
      svc.serviceConfig == import ../service-settings.nix {
        name = "rekan";
        execStart = "${own.api}/bin/api serve --http=127.0.0.1:8090 --dir=/var/lib/rekan --origins=https://rekan.example.com";
      };
    "minimal: hardened" =
      svc.serviceConfig.DynamicUser
      && svc.serviceConfig.ProtectSystem == "strict"
      && svc.serviceConfig.MemoryDenyWriteExecute;
    "minimal: restarts on failure" = svc.serviceConfig.Restart == "on-failure";
    "minimal: restart triggers" = svc.restartTriggers == [
      own.api
      own.baml-runtime
    ];
    "minimal: environment" = svc.environment == {
      REKAN_BAML_CLI = "${own.baml-runtime}/bin/baml-cli";
      REKAN_TRUSTED_PROXY_HEADERS = "X-Forwarded-For";
      REKAN_ADMIN_ALLOWED_IPS = "127.0.0.1/8,::1/128";
      REKAN_APP_NAME = "Rekan";
      REKAN_LLM_BASE_URL = "https://openrouter.ai/api/v1";
    };
    "minimal: caddy enabled" = mc.services.caddy.enable;
    "minimal: caddy vhost is the plain caddy-site.nix" =
      mc.services.caddy.virtualHosts."rekan.example.com".extraConfig == import ../caddy-site.nix {
        upstream = "127.0.0.1:8090";
        webRoot = "${own.web}";
        adminAllowedIPs = [
          "127.0.0.1/8"
          "::1/128"
        ];
      };
    "minimal: admin command rekan" =
      let
        cmd = builtins.head mc.environment.systemPackages;
      in
      cmd.name == "rekan"
      && lib.hasInfix "systemd-run" cmd.text
      && lib.hasInfix "--property=User=rekan" cmd.text
      && lib.hasInfix "--property=DynamicUser=yes" cmd.text
      && lib.hasInfix "${own.api}/bin/api \"$@\" --dir=/var/lib/rekan" cmd.text
      && lib.hasInfix "REKAN_BAML_CLI=${own.baml-runtime}/bin/baml-cli" cmd.text;

    # --- two instances
    "two: no failed assertions" = failedAssertions tc == [ ];
    "two: units" = builtins.attrNames tc.systemd.services == [
      "rekan"
      "rekan-staging"
    ];
    "two: staging state dir and port" =
      staging.serviceConfig.StateDirectory == "rekan-staging"
      && staging.serviceConfig.ExecStart
        == "${own.api}/bin/api serve --http=127.0.0.1:8091 --dir=/var/lib/rekan-staging --origins=http://staging.example.com";
    "two: an open admin list is spelled out for the server" =
      staging.environment.REKAN_ADMIN_ALLOWED_IPS == "0.0.0.0/0,::/0";
    "adminAllowedIPs reach the server" =
      (eval (enabled {
        adminAllowedIPs = [
          "203.0.113.7/32"
          "10.0.0.0/8"
        ];
      })).config.systemd.services.rekan.environment.REKAN_ADMIN_ALLOWED_IPS == "203.0.113.7/32,10.0.0.0/8";
    "origins: a site address with a port" =
      lib.hasSuffix " --origins=https://a.example.com:8443" (eval (enabled { domain = "a.example.com:8443"; }))
      .config.systemd.services.rekan.serviceConfig.ExecStart;
    "firewall off warns about the BAML runtime" =
      builtins.any (w: lib.hasInfix "networking.firewall.enable is false: the BAML runtime" w)
        (eval (enabled { } // { networking.firewall.enable = false; })).config.warnings;
    "firewall opening the ephemeral range warns" =
      let
        w =
          (eval (
            enabled { }
            // {
              networking.firewall.allowedTCPPorts = [ 80 443 40000 ];
              networking.firewall.allowedTCPPortRanges = [ { from = 60000; to = 61000; } ];
            }
          )).config.warnings;
      in
      builtins.any (x: lib.hasInfix "opens TCP 40000, 60000-61000, inside the ephemeral range" x) w;
    "two: staging inherits the package" = tc.services.rekan.instances.staging.package == own.api;
    "two: env files" =
      tc.systemd.services.rekan.serviceConfig.EnvironmentFile == [ "/run/secrets/rekan.env" ]
      && staging.serviceConfig.EnvironmentFile == [ "/run/secrets/staging.env" ];
    "two: settings become environment" =
      staging.environment.REKAN_APP_NAME == "Rekan (staging)"
      && staging.environment.REKAN_SOME_FLAG == "true"
      && staging.environment.REKAN_RETRIES == "3"
      && !(staging.environment ? REKAN_DROPPED)
      && !(staging.environment ? REKAN_WRITER_MODEL)
      && tc.systemd.services.rekan.environment.REKAN_WRITER_MODEL == "w";
    "two: two vhosts" = builtins.attrNames tc.services.caddy.virtualHosts == [
      "http://staging.example.com"
      "rekan.example.com"
    ];
    "two: open admin UI warns with the option path" = tc.warnings == [
      "services.rekan.instances.staging.adminAllowedIPs is null: the PocketBase admin UI (/_/) of http://staging.example.com is reachable from anywhere."
    ];
    "two: unrestricted admin site block has no guard" =
      !(lib.hasInfix "remote_ip" tc.services.caddy.virtualHosts."http://staging.example.com".extraConfig);
    "two: admin commands" =
      map (p: p.name) tc.environment.systemPackages == [
        "rekan"
        "rekan-staging"
      ];
    "instance without caddy needs no domain and trusts no proxy" =
      let
        c =
          (eval {
            services.rekan.instances.worker = {
              port = 9000;
              caddy.enable = false;
            };
          }).config;
      in
      failedAssertions c == [ ]
      && !c.services.caddy.enable
      && c.systemd.services.rekan-worker.environment.REKAN_TRUSTED_PROXY_HEADERS == ""
      && c.systemd.services.rekan-worker.serviceConfig.ExecStart
        == "${own.api}/bin/api serve --http=127.0.0.1:9000 --dir=/var/lib/rekan-worker";

    # --- assertions, with full option paths
    "assert: domain required" =
      failedWith { services.rekan.enable = true; } == [
        "services.rekan.domain must be set (or services.rekan.caddy.enable = false)."
      ];
    "assert: distinct ports" =
      failedWith (enabled {
        instances.staging = {
          domain = "b.example.com";
          port = 8090;
        };
      }) == [
        "Rekan instances need distinct ports: services.rekan.port, services.rekan.instances.staging.port are all 8090."
      ];
    "assert: distinct domains" =
      failedWith (enabled {
        instances.staging = {
          domain = "a.example.com";
          port = 8091;
        };
      }) == [
        "Rekan instances need distinct domains: services.rekan.domain, services.rekan.instances.staging.domain are all a.example.com."
      ];
    "assert: no secrets in settings" =
      failedWith (enabled { settings.REKAN_LLM_API_KEY = "sk-oops"; }) == [
        "services.rekan.settings must not hold secrets (they would land in the world-readable Nix store): move REKAN_LLM_API_KEY to services.rekan.envFile."
      ];
    "assert: instance names" =
      failedWith {
        services.rekan.instances.Staging = {
          domain = "b.example.com";
          port = 8091;
        };
      } == [
        "services.rekan.instances.Staging: instance names must be lower-case letters, digits and dashes (they name units, users and directories)."
      ];
    "assert: domain without spaces" =
      failedWith (enabled { domain = "a.example.com { respond 200 }"; }) == [
        "services.rekan.domain must be one Caddy site address without spaces or braces, got \"a.example.com { respond 200 }\"."
      ];

    # --- type errors are rejected
    "type: port must be a port" = fails (enabled { port = 70000; });
    "type: envFile must not be in the store" = fails (enabled {
      envFile = "/nix/store/00000000000000000000000000000000-secrets.env";
    });
    "type: envFile must be absolute" = fails (enabled { envFile = "secrets.env"; });
    "type: settings values are scalars" = fails (enabled { settings.REKAN_APP_NAME = [ "x" ]; });
    "type: instance port is required" = fails {
      services.rekan.instances.staging.domain = "b.example.com";
    };
    "control: a valid config does not fail" = !(fails minimal);
  };
in
{
  total = builtins.length (builtins.attrNames cases);
  failed = builtins.attrNames (lib.filterAttrs (_: ok: !ok) cases);
}
