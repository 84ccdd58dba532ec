# The [Service] settings of one Rekan instance, as plain Nix: no nixpkgs, no
# lib, so CI renders them offline (nix-instantiate --eval --strict --json)
# into a unit file for `systemd-analyze security` (nix/checks/systemd.sh).
# The NixOS module uses this very attribute set as serviceConfig.
#
# Target: exposure <= 1.5 (the plan's short list alone scores 8.3). The
# server is the parent of the BAML runtime (Node, `node --jitless`), so every
# setting here also applies to the child.
{
  # Unit, dynamic user and directory name: "rekan" or "rekan-<instance>".
  name,
  # Full command line of the server.
  execStart,
  # Commands run to completion before it, with the same settings (the
  # module's `migrate up`, docs/peps/011).
  execStartPre ? [ ],
  # Secret files (KEY=value lines); read by systemd as root, never stored.
  environmentFiles ? [ ],
  # How long a stopping server waits for generations in flight
  # (REKAN_DRAIN_TIMEOUT, which the module sets from the same number); the
  # server's default, generated from its Go constants (api/cmd/nixfacts).
  drainTimeoutSec ? (builtins.fromJSON (builtins.readFile ./facts.gen.json)).drainTimeoutSec,
}:
{
  Type = "exec";
  ExecStartPre = execStartPre;
  ExecStart = execStart;
  # always, not on-failure: the server exits 0 on SIGTERM, so a TERM from
  # outside systemd (an operator's kill, a supervisor) would otherwise leave
  # it down. `systemctl stop` is still final: systemd never restarts a unit
  # it stopped itself. Crash loops end at the unit's start limit (5 in 5 min).
  Restart = "always";
  # Short, because Caddy holds requests while the upstream is away
  # (lb_try_duration in caddy-site.nix is sized to RestartSec + stop + start).
  RestartSec = "1s";
  # SIGTERM drains the generations in flight for up to drainTimeoutSec, then
  # the HTTP server (1 s), the BAML runtime (5 s to SIGKILL) and the database
  # close: the margin covers those before systemd resorts to SIGKILL.
  TimeoutStopSec = drainTimeoutSec + 15;
  EnvironmentFile = environmentFiles;

  # No .env anywhere up the tree: the server itself loads ./.env, and the
  # BAML child (run in a fresh directory under the private /tmp) reads .env
  # files from its directory and every parent.
  WorkingDirectory = "/var/lib/${name}";

  DynamicUser = true;
  StateDirectory = name;
  StateDirectoryMode = "0700";
  CacheDirectory = name;
  CacheDirectoryMode = "0700";
  UMask = "0077";

  # Filesystem: everything read-only except the state and cache dirs.
  ProtectSystem = "strict";
  ProtectHome = true;
  PrivateTmp = true;
  PrivateDevices = true;
  PrivateMounts = true;
  PrivateIPC = true;
  PrivateUsers = true;
  ProtectProc = "invisible";
  ProcSubset = "pid";

  # Kernel and host.
  ProtectKernelTunables = true;
  ProtectKernelModules = true;
  ProtectKernelLogs = true;
  ProtectControlGroups = true;
  ProtectClock = true;
  ProtectHostname = true;
  DevicePolicy = "closed";
  KeyringMode = "private";
  RemoveIPC = true;

  # Privileges.
  NoNewPrivileges = true;
  CapabilityBoundingSet = "";
  AmbientCapabilities = "";
  RestrictSUIDSGID = true;
  RestrictNamespaces = true;
  RestrictRealtime = true;
  LockPersonality = true;
  # Holds for the Node child only because the runtime wrapper passes
  # --jitless (V8's JIT needs writable+executable pages).
  MemoryDenyWriteExecute = true;
  SystemCallArchitectures = "native";
  SystemCallFilter = [
    "@system-service"
    "~@privileged @resources"
  ];
  # A filtered call fails with EPERM instead of killing the process (Go's
  # best-effort RLIMIT_NOFILE raise at start-up is one such call).
  SystemCallErrorNumber = "EPERM";

  # Network. Relaxation: no IPAddressDeny=any/IPAddressAllow=localhost and no
  # PrivateNetwork, because the BAML child must reach the LLM provider over
  # HTTPS. The listener itself binds 127.0.0.1 only; Caddy is the front door.
  # AF_UNIX stays for the name-service socket used by DNS lookups.
  RestrictAddressFamilies = [
    "AF_INET"
    "AF_INET6"
    "AF_UNIX"
  ];
}
