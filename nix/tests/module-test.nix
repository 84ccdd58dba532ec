# Module test without nixpkgs: evaluates the flake's real
# nixosModules.default with lib.evalModules from nixpkgs.lib (a path given by
# nix/checks/module.sh), against minimal declarations of the NixOS options
# the module sets. It also calls the package expressions and the flake's
# per-system outputs with stand-in package sets that record their arguments
# (what is named, passed and used; nothing is built). Run:
#   nix-instantiate --eval --strict --json nix/tests/module-test.nix --arg nixpkgsLib /path/to/nixpkgs.lib
# The result lists the failed cases; nix/checks/module.sh fails unless empty.
{ nixpkgsLib }:
let
  lib = import (nixpkgsLib + "/lib");
  # The server's defaults (api/cmd/nixfacts), which the module's follow.
  server = lib.importJSON ../facts.gen.json;
  drainDefault = "${toString server.drainTimeoutSec}s";
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
      environmentFile = "/run/secrets/rekan.env";
    };
    services.rekan.instances.staging = {
      domain = "http://staging.example.com";
      port = 8091;
      environmentFile = "/run/secrets/staging.env";
      drainTimeout = 120;
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

  renamed =
    (eval {
      services.rekan = {
        enable = true;
        domain = "rekan.example.com";
        envFile = "/run/secrets/old.env";
      };
      services.rekan.instances.staging = {
        domain = "staging.example.com";
        port = 8091;
        envFile = "/run/secrets/old-staging.env";
      };
    }).config;
  staging = tc.systemd.services.rekan-staging;

  # --- the package expressions, called with stand-ins that record their
  # arguments (nothing is built; lazy attributes such as src stay unforced).
  marker = name: {
    type = "derivation";
    inherit name;
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
  };
  insecure = name: throw "${name} must not be used (end of life or deprecated in nixpkgs)";
  recordingGoModule = {
    override = o: args: {
      inherit (o) go;
      inherit args;
    };
  };
  apiArgs =
    extra:
    (import ../packages/api.nix (
      {
        inherit lib;
        buildGoModule = recordingGoModule;
        buildPackages.go_1_26 = {
          version = "1.26.8";
        };
        makeWrapper = marker "makeWrapper";
        version = "0123abc";
      }
      // extra
    )).args;
  nativeApi = apiArgs { bamlRuntime = own.baml-runtime; };
  e2eApi = apiArgs {
    bamlRuntime = own.baml-runtime;
    suite = "e2e";
  };
  crossApi = apiArgs { crossGoArch = "arm64"; };
  vendorName = a: (a.overrideModAttrs { } { }).name;
  apiTests = import ../packages/api-check.nix;
  webDrv = import ../packages/web.nix {
    inherit lib;
    stdenvNoCC.mkDerivation = f: f { src = throw "src is not needed here"; };
    fetchPnpmDeps = args: args;
    pnpmConfigHook = marker "pnpmConfigHook";
    pnpm_10 = marker "pnpm" // {
      version = "10.28.0";
    };
    nodejs_22 = marker "nodejs-22";
    version = "0123abc";
  };

  # The flake's per-system outputs with a package set that records
  # callPackage calls and throws on what must not be used.
  stubPkgs =
    system:
    lib.genAttrs [
      "go_1_26"
      "gopls"
      "nodejs_22"
      "pnpm_10"
      "chromium"
      "caddy"
      "nixfmt"
      "gnumake"
      "git"
      "jq"
      "curl"
      "zstd"
    ] marker
    // {
      stdenv.hostPlatform.system = system;
      callPackage = path: args: { inherit path args; };
      mkShell = args: args;
      testers.runNixOSTest = t: t;
      nodejs_20 = insecure "nodejs_20";
      nixfmt-rfc-style = insecure "nixfmt-rfc-style";
      pkgsCross = insecure "pkgsCross (a cross C toolchain for a pure-Go binary)";
    };
  pkgFlake = (import ../../flake.nix).outputs {
    self = pkgFlake // {
      outPath = toString ../..;
    };
    nixpkgs = {
      inherit lib;
      legacyPackages = lib.genAttrs [ "x86_64-linux" "aarch64-linux" ] stubPkgs;
    };
  };
  x86 = pkgFlake.packages.x86_64-linux;

  # name -> bool; a failing case shows its name in the output.
  cases = {
    # --- package expressions (issue 9 items 1-5, 7)
    "api: goModules is named after its inputs, not the revision" =
      builtins.match "rekan-api-go-modules-[0-9a-f]{12}" (vendorName nativeApi) != null;
    "api: the ARM64 build shares the native goModules" = vendorName crossApi == vendorName nativeApi;
    "api: goModules is proxy mode over api's and eval's module files only" =
      nativeApi.proxyVendor
      && (import ../packages/go-modules.nix).files == [
        "api/go.mod"
        "api/go.sum"
        "eval/go.mod"
      ];
    "api: the check phase runs the unit suite of every package, without a runtime" =
      nativeApi.doCheck
      && lib.hasInfix apiTests.unit.command nativeApi.checkPhase
      && lib.hasInfix " ./..." nativeApi.checkPhase
      && lib.hasInfix "-skip '^(" nativeApi.checkPhase
      && lib.hasInfix "Test.*EndToEnd.*)$'" nativeApi.checkPhase
      && lib.hasInfix "CI=true" nativeApi.checkPhase
      && lib.hasInfix "REKAN_BAML_CLI=${apiTests.unit.bamlCli}" nativeApi.checkPhase
      && !(lib.hasInfix own.baml-runtime.outPath nativeApi.checkPhase)
      && lib.hasInfix "runHook preCheck" nativeApi.checkPhase;
    "api-e2e: runs the EndToEnd tests against the runtime, sharing goModules" =
      e2eApi.doCheck
      && e2eApi.pname == "rekan-api-e2e"
      && lib.hasInfix apiTests.e2e.command e2eApi.checkPhase
      && lib.hasInfix "-run 'EndToEnd'" e2eApi.checkPhase
      && lib.hasInfix "REKAN_BAML_CLI=${own.baml-runtime}/bin/baml-cli" e2eApi.checkPhase
      && vendorName e2eApi == vendorName nativeApi;
    "flake: checks hold api (unit) and api-e2e" =
      pkgFlake.checks.x86_64-linux.api-e2e.args.suite == "e2e"
      && baseNameOf pkgFlake.checks.x86_64-linux.api-e2e.path == "api.nix"
      && !(pkgFlake.checks.x86_64-linux.api.args ? suite);
    "api: a native build without a runtime is refused" =
      !(builtins.tryEval (builtins.deepSeq (apiArgs { }).pname true)).success;
    "api: the ARM64 build exports GOARCH, moves the binary, skips check and strip" =
      !crossApi.doCheck
      && crossApi.dontStrip
      && lib.hasInfix "export GOOS=linux GOARCH=arm64" crossApi.postConfigure
      && lib.hasInfix "$GOPATH/bin/linux_arm64" crossApi.postBuild
      && crossApi.postInstall == "";
    "flake: api-aarch64-linux is built by the native package set" =
      x86.api-aarch64-linux.args.crossGoArch == "arm64"
      && baseNameOf x86.api-aarch64-linux.path == "api.nix"
      && !(pkgFlake.packages.aarch64-linux ? api-aarch64-linux);
    "flake: formatter is nixfmt" = pkgFlake.formatter.x86_64-linux.name == "nixfmt";
    "flake: dev shell has Node 22" = builtins.any (
      p: p.name or "" == "nodejs_22"
    ) pkgFlake.devShells.x86_64-linux.default.packages;
    "web and baml-runtime take nodejs_22, not nodejs_20" = builtins.all (
      f:
      let
        a = builtins.functionArgs (import f);
      in
      a ? nodejs_22 && !(a ? nodejs_20)
    ) [ ../packages/web.nix ../packages/baml-runtime.nix ];
    "web: the pnpm deps FOD carries the lock id in pname" =
      builtins.match "rekan-web-[0-9a-f]{12}" webDrv.pnpmDeps.pname != null
      && !(webDrv.pnpmDeps ? version)
      && webDrv.pnpmDeps.fetcherVersion == 3
      && webDrv.pnpmDeps.pnpm.version == "10.28.0";
    "web: built with Node 22" = builtins.elem "nodejs-22" (map (p: p.name) webDrv.nativeBuildInputs);

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
    "environmentFile default null" = m.options.services.rekan.environmentFile.default == null;
    "adminAllowedIPs default loopback" =
      mc.services.rekan.adminAllowedIPs == [
        "127.0.0.0/8"
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
        execStartPre = [ "${own.api}/bin/api migrate up --dir=/var/lib/rekan" ];
        execStart = "${own.api}/bin/api serve --http=127.0.0.1:8090 --dir=/var/lib/rekan --origins=https://rekan.example.com";
      };
    "minimal: migrations run before the server starts" = svc.serviceConfig.ExecStartPre == [
      "${own.api}/bin/api migrate up --dir=/var/lib/rekan"
    ];
    "two: staging migrates its own state dir" = staging.serviceConfig.ExecStartPre == [
      "${own.api}/bin/api migrate up --dir=/var/lib/rekan-staging"
    ];
    "minimal: hardened" =
      svc.serviceConfig.DynamicUser
      && svc.serviceConfig.ProtectSystem == "strict"
      && svc.serviceConfig.MemoryDenyWriteExecute;
    # The server exits 0 on SIGTERM: only `always` brings it back after one.
    "minimal: restarts always" = svc.serviceConfig.Restart == "always";
    "minimal: stop timeout covers the drain" =
      svc.serviceConfig.TimeoutStopSec > server.drainTimeoutSec
      && svc.environment.REKAN_DRAIN_TIMEOUT == drainDefault
      && server.drainTimeoutSec > server.generationTimeoutSec;
    "minimal: restart triggers" = svc.restartTriggers == [
      own.api
      own.baml-runtime
    ];
    "minimal: environment" = svc.environment == {
      REKAN_BAML_CLI = "${own.baml-runtime}/bin/baml-cli";
      REKAN_TRUSTED_PROXY_HEADERS = "X-Forwarded-For";
      REKAN_DRAIN_TIMEOUT = drainDefault;
      REKAN_ADMIN_ALLOWED_IPS = "127.0.0.0/8,::1/128";
      REKAN_APP_NAME = "Rekan";
      REKAN_LLM_BASE_URL = "https://openrouter.ai/api/v1";
    };
    "minimal: caddy enabled" = mc.services.caddy.enable;
    "minimal: caddy vhost is the plain caddy-site.nix" =
      mc.services.caddy.virtualHosts."rekan.example.com".extraConfig == import ../caddy-site.nix {
        upstream = "127.0.0.1:8090";
        webRoot = "${own.web}";
        adminAllowedIPs = [
          "127.0.0.0/8"
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
    "two: staging drain timeout and its stop timeout" =
      staging.environment.REKAN_DRAIN_TIMEOUT == "120s" && staging.serviceConfig.TimeoutStopSec == 135;
    "two: rekan keeps the default drain timeout" = tc.systemd.services.rekan.environment.REKAN_DRAIN_TIMEOUT == drainDefault;
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
        "services.rekan.settings must not hold secrets (they would land in the world-readable Nix store): move REKAN_LLM_API_KEY to services.rekan.environmentFile."
      ];
    "assert: backup credentials are secrets too" =
      let
        failed = failedWith (enabled {
          settings.REKAN_BACKUP_S3_BUCKET = "b";
          settings.REKAN_BACKUP_S3_ACCESS_KEY = "AKIA-oops";
          settings.REKAN_BACKUP_S3_SECRET = "oops";
        });
      in
      builtins.length failed == 1
      && lib.hasInfix "REKAN_BACKUP_S3_ACCESS_KEY, REKAN_BACKUP_S3_SECRET" (builtins.head failed);
    "assert: drain timeout through its option" =
      failedWith (enabled { settings.REKAN_DRAIN_TIMEOUT = "5s"; }) == [
        "services.rekan.settings.REKAN_DRAIN_TIMEOUT: set services.rekan.drainTimeout instead (the unit's stop timeout follows it)."
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
    "type: environmentFile must not be in the store" = fails (enabled {
      environmentFile = "/nix/store/00000000000000000000000000000000-secrets.env";
    });
    "type: environmentFile must be absolute" = fails (enabled { environmentFile = "secrets.env"; });
    "type: the old envFile name has the new type" = fails (enabled { envFile = "secrets.env"; });

    # --- envFile, the option's first name, still works and warns
    "rename: top-level envFile sets the EnvironmentFile" =
      renamed.systemd.services.rekan.serviceConfig.EnvironmentFile == [ "/run/secrets/old.env" ]
      && renamed.services.rekan.environmentFile == "/run/secrets/old.env";
    "rename: instance envFile sets the EnvironmentFile" =
      renamed.systemd.services.rekan-staging.serviceConfig.EnvironmentFile == [
        "/run/secrets/old-staging.env"
      ];
    "rename: both uses warn, the instance's with its path" =
      builtins.length renamed.warnings == 2
      && builtins.any (
        w: lib.hasPrefix "The option `services.rekan.envFile' defined in " w && lib.hasSuffix "has been renamed to `services.rekan.environmentFile'." w
      ) renamed.warnings
      && builtins.any (
        w: lib.hasPrefix "services.rekan.instances.staging: The option `envFile' defined in " w && lib.hasSuffix "has been renamed to `environmentFile'." w
      ) renamed.warnings;
    "rename: the new name does not warn" = tc.warnings == [
      "services.rekan.instances.staging.adminAllowedIPs is null: the PocketBase admin UI (/_/) of http://staging.example.com is reachable from anywhere."
    ];

    # --- nixosModules.default carries _file and key
    "module: options are declared in the flake's nixosModules.default" = builtins.all (
      f: lib.hasSuffix "/flake.nix#nixosModules.default" f
    ) m.options.services.rekan.port.declarations;
    "module: a second import is deduplicated by key" =
      let
        c =
          (lib.evalModules {
            modules = [
              nixosStubs
              rekanModule
              rekanModule
              { _module.args.pkgs = pkgsStub; }
              minimal
            ];
          }).config;
      in
      builtins.attrNames c.systemd.services == [ "rekan" ];
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
