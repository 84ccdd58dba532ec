# The check phase command of nix/packages/api.nix, in plain Nix so
# nix/checks/go-sandbox.sh runs the very same command offline. `./...` from
# modRoot api/: every package of the server, vendored eval included.
#
# No test is skipped: all of them run in the sandbox (loopback only, no
# HOME, no network). A test that cannot would be listed in `skip` by name,
# with the reason, and passed as `-skip`.
let
  skip = { };
  names = builtins.attrNames skip;
in
{
  inherit skip;
  command =
    "go test -vet=off -count=1 -p \"$NIX_BUILD_CORES\""
    + (if names == [ ] then "" else " -skip '^(${builtins.concatStringsSep "|" names})$'")
    + " ./...";
}
