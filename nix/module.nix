# NixOS module for Rekan. flake.nix applies the first function to the flake's
# own packages, so `rekan.nixosModules.default` is an ordinary module whose
# package defaults need no overlay.
#
#   services.rekan.enable = true;
#   services.rekan.domain = "rekan.example.com";
#
# runs the instance "rekan" (unit rekan.service, state /var/lib/rekan, admin
# command `rekan`). services.rekan.instances.<name> adds more instances on
# the same host (unit rekan-<name>.service, command `rekan-<name>`), e.g. a
# staging copy next to production.
{ packagesFor }:
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib)
    types
    mkOption
    mkEnableOption
    mkIf
    literalExpression
    ;

  cfg = config.services.rekan;
  ownPackages = packagesFor pkgs;

  serviceSettings = import ./service-settings.nix;
  # The server's own defaults, generated from its Go constants (api/cmd/nixfacts).
  serverDefaults = lib.importJSON ./facts.gen.json;
  caddySite = import ./caddy-site.nix;

  settingsType = types.submodule {
    freeformType = types.attrsOf (
      types.nullOr (
        types.oneOf [
          types.str
          types.int
          types.bool
        ]
      )
    );
    options = {
      REKAN_APP_NAME = mkOption {
        type = types.str;
        default = serverDefaults.appName;
        defaultText = literalExpression (builtins.toJSON serverDefaults.appName);
        description = "Name the web app shows.";
      };
      REKAN_LLM_BASE_URL = mkOption {
        type = types.str;
        default = serverDefaults.llmBaseURL;
        defaultText = literalExpression (builtins.toJSON serverDefaults.llmBaseURL);
        example = "http://127.0.0.1:11434/v1";
        description = "OpenAI-compatible base URL of the LLM provider.";
      };
      REKAN_WRITER_MODEL = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "openai/gpt-4o-mini";
        description = "Model that writes the posts; null keeps the server's default.";
      };
    };
  };

  # A package option: the top level defaults to the flake's own package,
  # an extra instance to the top level's choice.
  packageOption =
    top: option: flakeAttr: description:
    mkOption {
      type = types.package;
      inherit description;
      default = if top then ownPackages.${flakeAttr} else cfg.${option};
      defaultText =
        if top then
          literalExpression "rekan.packages.\${pkgs.stdenv.hostPlatform.system}.${flakeAttr}"
        else
          literalExpression "config.services.rekan.${option}";
    };

  # Options shared by the default instance (declared at the top level) and
  # every services.rekan.instances.<name>. `top` supplies the defaults an
  # extra instance inherits.
  instanceOptions =
    { top }:
    {
      domain = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "rekan.example.com";
        description = ''
          Site address of the Caddy virtual host. A plain host name gets
          automatic HTTPS; a `http://` prefix serves plain HTTP (tests, or
          TLS terminated elsewhere).
        '';
      };

      port = mkOption {
        type = types.port;
        description = "Loopback port the server listens on (127.0.0.1 only).";
      }
      // lib.optionalAttrs top { default = serverDefaults.port; };

      package = packageOption top "package" "api" "The Rekan server package.";
      webPackage = packageOption top "webPackage" "web" "The static web app Caddy serves.";
      bamlRuntime = packageOption top "bamlRuntime" "baml-runtime" ''
        The BAML HTTP runtime (`baml-cli`) the server starts as its child;
        passed as REKAN_BAML_CLI.
      '';

      environmentFile = mkOption {
        type = types.nullOr types.externalPath;
        default = null;
        example = "/run/secrets/rekan.env";
        description = ''
          File of `KEY=value` lines with the secrets (REKAN_LLM_API_KEY,
          REKAN_LLM_FALLBACK_API_KEY, the PocketBase encryption key, backup
          credentials). systemd reads it as root when the service starts; it
          never enters the Nix store. Changing its content needs a restart.
        '';
      };

      settings = mkOption {
        type = settingsType;
        default = { };
        example = literalExpression ''
          {
            REKAN_WRITER_MODEL = "openai/gpt-4o-mini";
            REKAN_CONTACT_PHONE = "5511999999999";
          }
        '';
        description = ''
          Non-secret configuration, passed to the server as environment
          variables (the `REKAN_*` names of `.env.example`). Booleans become
          `true`/`false`, null entries are left out. Secrets belong in
          {option}`environmentFile`.
        '';
      };

      drainTimeout = mkOption {
        type = types.ints.unsigned;
        # The server's default, derived from its generation bound so a drain
        # never ends before a generation's own timeout.
        default = if top then serverDefaults.drainTimeoutSec else cfg.drainTimeout;
        defaultText =
          if top then
            literalExpression (toString serverDefaults.drainTimeoutSec)
          else
            literalExpression "config.services.rekan.drainTimeout";
        example = 120;
        description = ''
          Seconds a stopping server (a deploy, a restart) waits for the
          generations in flight to finish and be stored; new ones get a 503
          "reiniciando" meanwhile. Passed as REKAN_DRAIN_TIMEOUT; the unit's
          TimeoutStopSec follows it.
        '';
      };

      adminAllowedIPs = mkOption {
        type = types.nullOr (types.listOf types.str);
        default = serverDefaults.adminAllowedIPs;
        example = [ "203.0.113.7/32" ];
        description = ''
          Addresses or CIDR ranges allowed superuser access: the PocketBase
          admin UI (`/_/`), the superuser login (by collection name or id) and
          any request carrying a superuser token. The server enforces it
          itself (REKAN_ADMIN_ALLOWED_IPS, PocketBase's SuperuserIPs, reapplied
          at every start); the Caddy block repeats it as a second layer. The
          default keeps superusers to the host itself (use an SSH tunnel);
          null allows everyone.
        '';
      };

      caddy.enable = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Serve the instance through a Caddy virtual host for
          {option}`domain`: the web app as static files with the SPA
          fallback, `/api/*` and `/_/*` proxied to the server.
        '';
      };
    };

  # unit name -> instance settings, for every enabled instance.
  instances =
    lib.optionalAttrs cfg.enable {
      rekan = {
        inherit (cfg)
          domain
          port
          package
          webPackage
          bamlRuntime
          environmentFile
          settings
          drainTimeout
          adminAllowedIPs
          caddy
          ;
      };
    }
    // lib.mapAttrs' (name: inst: lib.nameValuePair "rekan-${name}" inst) (
      lib.filterAttrs (_: inst: inst.enable) cfg.instances
    );

  # The option path users wrote, for messages.
  optionPath =
    unit:
    if unit == "rekan" then "services.rekan" else "services.rekan.instances.${lib.removePrefix "rekan-" unit}";

  stateDir = unit: "/var/lib/${unit}";

  environmentOf =
    inst:
    {
      REKAN_BAML_CLI = lib.getExe inst.bamlRuntime;
      # Only Caddy's X-Forwarded-For is trustworthy: it overwrites whatever a
      # client sent. Without Caddy in front nothing is trusted.
      REKAN_TRUSTED_PROXY_HEADERS = if inst.caddy.enable then "X-Forwarded-For" else "";
      REKAN_DRAIN_TIMEOUT = "${toString inst.drainTimeout}s";
      REKAN_ADMIN_ALLOWED_IPS =
        if inst.adminAllowedIPs == null then "0.0.0.0/0,::/0" else lib.concatStringsSep "," inst.adminAllowedIPs;
    }
    // lib.mapAttrs (_: v: if builtins.isBool v then lib.boolToString v else toString v) (
      lib.filterAttrs (_: v: v != null) inst.settings
    );

  # The site's own origin, the only one CORS allows (without --origins the
  # server allows none besides itself).
  originOf =
    domain:
    let
      address = if lib.hasInfix "://" domain then domain else "https://${domain}";
    in
    builtins.head (builtins.match "([a-z]+://[^/]+).*" address);

  execStartOf =
    unit: inst:
    "${lib.getExe inst.package} serve --http=127.0.0.1:${toString inst.port} --dir=${stateDir unit}"
    + lib.optionalString (inst.domain != null) " --origins=${originOf inst.domain}";

  # The BAML runtime child listens on 0.0.0.0 (baml-cli serve 0.223.0 has no
  # bind address) on a port the kernel picks from its ephemeral range
  # (net.ipv4.ip_local_port_range, 32768-60999 by default). NixOS's firewall
  # refuses inbound connections to every port not opened, which keeps it
  # unreachable from other hosts; these warnings name what would expose it.
  ephemeralPorts = {
    from = 32768;
    to = 60999;
  };
  firewall = config.networking.firewall;
  openEphemeralPorts =
    builtins.filter (p: p >= ephemeralPorts.from && p <= ephemeralPorts.to) firewall.allowedTCPPorts
    ++ map (r: "${toString r.from}-${toString r.to}") (
      builtins.filter (r: r.to >= ephemeralPorts.from && r.from <= ephemeralPorts.to) firewall.allowedTCPPortRanges
    );

  # Like nixpkgs' beszel-hub (another PocketBase application): the
  # migrations run before the server starts, so a failing one fails the
  # start job itself and `nixos-rebuild switch` reports it, instead of a
  # Type=exec unit that counts as started and then crash-loops. `serve`
  # would apply them too; by then there is nothing left to do.
  execStartPreOf = unit: inst: [ "${lib.getExe inst.package} migrate up --dir=${stateDir unit}" ];

  # Runs the server binary as the service's dynamic user against its state
  # dir, like nixpkgs' gotosocial admin wrapper: `rekan operator add …`,
  # `rekan superuser upsert …`. The binary itself never opens the database
  # of a running server (PEP 013): with the service up, operator and
  # superuser commands go through its admin socket (state dir, 0600, this
  # uid or root) and `migrate` refuses; with it down they run directly,
  # holding the directory's lock so the service waits for them.
  adminCommand =
    unit: inst:
    let
      env = environmentOf inst;
      args = [
        "--quiet"
        "--pipe"
        "--wait"
        "--collect"
        "--service-type=exec"
        "--property=DynamicUser=yes"
        "--property=User=${unit}"
        "--property=StateDirectory=${unit}"
        "--property=CacheDirectory=${unit}"
        "--property=UMask=0077"
        "--property=WorkingDirectory=${stateDir unit}"
      ]
      ++ lib.optional (inst.environmentFile != null) "--property=EnvironmentFile=${inst.environmentFile}"
      ++ lib.mapAttrsToList (n: v: "--setenv=${n}=${v}") env;
    in
    pkgs.writeShellScriptBin unit ''
      if [ "$(id -u)" -ne 0 ]; then
        echo "${unit}: run as root (it starts a transient unit as the service's user)" >&2
        exit 1
      fi
      exec ${config.systemd.package}/bin/systemd-run ${lib.escapeShellArgs args} \
        -- ${lib.getExe inst.package} "$@" --dir=${stateDir unit}
    '';

  secretPattern = ".*(API_KEY|ACCESS_KEY|SECRET|PASSWORD|TOKEN|ENCRYPTION_KEY).*";

  duplicates =
    attr:
    let
      withValue = lib.filterAttrs (_: inst: inst.${attr} != null) instances;
      groups = lib.groupBy (unit: toString withValue.${unit}.${attr}) (builtins.attrNames withValue);
    in
    lib.filterAttrs (_: units: builtins.length units > 1) groups;

  describeDuplicates =
    attr: dups:
    lib.concatStringsSep "; " (
      lib.mapAttrsToList (
        value: units: "${lib.concatMapStringsSep ", " (u: "${optionPath u}.${attr}") units} are all ${value}"
      ) dups
    );

  caddyInstances = lib.filterAttrs (_: inst: inst.caddy.enable) instances;
in
{
  # `envFile` was this option's first name (the packaging plan and existing
  # configurations use it); nixpkgs calls it environmentFile (pocket-id,
  # miniflux, beszel-hub). The old name keeps working with a warning.
  imports = [
    (lib.mkRenamedOptionModule
      [ "services" "rekan" "envFile" ]
      [ "services" "rekan" "environmentFile" ]
    )
    # The same rename inside instances.<name> warns there (below); these
    # warnings reach NixOS with the instance's option path.
    {
      warnings = lib.concatLists (
        lib.mapAttrsToList (
          name: inst: map (w: "services.rekan.instances.${name}: ${w}") inst.warnings
        ) cfg.instances
      );
    }
  ];

  options.services.rekan = instanceOptions { top = true; } // {
    enable = mkEnableOption "Rekan, the AI content partner (instance \"rekan\")";

    instances = mkOption {
      type = types.attrsOf (
        types.submodule {
          # mkRenamedOptionModule only warns where a `warnings` option
          # exists; this internal one is forwarded by the import above.
          imports = [ (lib.mkRenamedOptionModule [ "envFile" ] [ "environmentFile" ]) ];
          options = instanceOptions { top = false; } // {
            enable = mkOption {
              type = types.bool;
              default = true;
              description = "Whether to run this instance.";
            };
            warnings = mkOption {
              type = types.listOf types.str;
              default = [ ];
              internal = true;
              visible = false;
            };
          };
        }
      );
      default = { };
      example = literalExpression ''
        {
          staging = {
            domain = "staging.rekan.example.com";
            port = 8091;
            environmentFile = "/run/secrets/rekan-staging.env";
          };
        }
      '';
      description = ''
        Further instances on the same host, each with its own unit
        (`rekan-<name>.service`), state directory (`/var/lib/rekan-<name>`),
        dynamic user, admin command (`rekan-<name>`) and Caddy virtual host.
      '';
    };
  };

  config = mkIf (instances != { }) {
    assertions =
      lib.concatLists (
        lib.mapAttrsToList (unit: inst: [
          {
            assertion = !inst.caddy.enable || inst.domain != null;
            message = "${optionPath unit}.domain must be set (or ${optionPath unit}.caddy.enable = false).";
          }
          {
            assertion = inst.domain == null || builtins.match "[^[:space:]{}]+" inst.domain != null;
            message = "${optionPath unit}.domain must be one Caddy site address without spaces or braces, got \"${toString inst.domain}\".";
          }
          {
            assertion = !(inst.settings ? REKAN_DRAIN_TIMEOUT);
            message = "${optionPath unit}.settings.REKAN_DRAIN_TIMEOUT: set ${optionPath unit}.drainTimeout instead (the unit's stop timeout follows it).";
          }
          {
            assertion =
              let
                secrets = builtins.filter (n: builtins.match secretPattern n != null) (builtins.attrNames inst.settings);
              in
              secrets == [ ];
            message = "${optionPath unit}.settings must not hold secrets (they would land in the world-readable Nix store): move ${
              lib.concatStringsSep ", " (
                builtins.filter (n: builtins.match secretPattern n != null) (builtins.attrNames inst.settings)
              )
            } to ${optionPath unit}.environmentFile.";
          }
        ]) instances
      )
      ++ lib.mapAttrsToList (name: _: {
        assertion = builtins.match "[a-z0-9][a-z0-9-]*" name != null;
        message = "services.rekan.instances.${name}: instance names must be lower-case letters, digits and dashes (they name units, users and directories).";
      }) cfg.instances
      ++ [
        {
          assertion = duplicates "port" == { };
          message = "Rekan instances need distinct ports: ${describeDuplicates "port" (duplicates "port")}.";
        }
        {
          assertion = duplicates "domain" == { };
          message = "Rekan instances need distinct domains: ${describeDuplicates "domain" (duplicates "domain")}.";
        }
      ];

    warnings =
      lib.concatLists (
        lib.mapAttrsToList (
          unit: inst:
          lib.optional (inst.caddy.enable && inst.adminAllowedIPs == null)
            "${optionPath unit}.adminAllowedIPs is null: the PocketBase admin UI (/_/) of ${toString inst.domain} is reachable from anywhere."
        ) instances
      )
      ++ lib.optional (!firewall.enable)
        "services.rekan: networking.firewall.enable is false: the BAML runtime (a child of the server, on 0.0.0.0 at a random port in ${toString ephemeralPorts.from}-${toString ephemeralPorts.to}; it answers /_debug/ping without its password) is reachable from other hosts unless another firewall drops inbound traffic."
      ++ lib.optional (openEphemeralPorts != [ ])
        "services.rekan: networking.firewall opens TCP ${lib.concatMapStringsSep ", " toString openEphemeralPorts}, inside the ephemeral range ${toString ephemeralPorts.from}-${toString ephemeralPorts.to} where the BAML runtime listens on 0.0.0.0; it may become reachable from other hosts.";

    systemd.services = lib.mapAttrs (unit: inst: {
      description = "Rekan (${unit})";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      environment = environmentOf inst;
      # The unit text already changes with the package path and settings;
      # these make the dependency explicit (including the BAML runtime).
      restartTriggers = [
        inst.package
        inst.bamlRuntime
      ];
      startLimitIntervalSec = 300;
      startLimitBurst = 5;
      serviceConfig = serviceSettings {
        name = unit;
        execStart = execStartOf unit inst;
        execStartPre = execStartPreOf unit inst;
        environmentFiles = lib.optional (inst.environmentFile != null) inst.environmentFile;
        drainTimeoutSec = inst.drainTimeout;
      };
    }) instances;

    environment.systemPackages = lib.mapAttrsToList adminCommand instances;

    services.caddy = mkIf (caddyInstances != { }) {
      enable = true;
      virtualHosts = lib.mapAttrs' (
        unit: inst:
        lib.nameValuePair inst.domain {
          extraConfig = caddySite {
            upstream = "127.0.0.1:${toString inst.port}";
            webRoot = "${inst.webPackage}";
            inherit (inst) adminAllowedIPs;
          };
        }
      ) caddyInstances;
    };
  };
}
