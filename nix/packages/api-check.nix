# The check phase command of nix/packages/api.nix, in plain Nix so
# nix/checks/go-sandbox.sh runs the very same command offline. `./...` from
# modRoot api/: every package of the server, vendored eval included.
#
# Every test runs in the sandbox (loopback only, no HOME, no network) but
# those listed in `skip`, by name with the reason, passed as `-skip`; make
# test runs them all.
let
  skip = {
    # Connects to the admin socket as another uid (setuid to nobody, then
    # /usr/bin/curl): the build user cannot change uid and the sandbox has no
    # curl. make test runs it as root.
    TestSocketServesOnlyItsUserAndRoot = "needs root to switch uid and /usr/bin/curl";
  };
  names = builtins.attrNames skip;
in
{
  inherit skip;
  command =
    "go test -vet=off -count=1 -p \"$NIX_BUILD_CORES\""
    + (if names == [ ] then "" else " -skip '^(${builtins.concatStringsSep "|" names})$'")
    + " ./...";
}
