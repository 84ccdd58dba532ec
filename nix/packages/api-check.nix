# The api test commands of the flake, in plain Nix so
# nix/checks/go-sandbox.sh runs the very same commands offline. `./...` from
# modRoot api/: every package of the server.
#
# Two suites, split by test name:
# - `unit`: the check phase of packages.api (nix/packages/api.nix), so of
#   every `nixos-rebuild switch`: all tests but the end-to-end ones, with no
#   BAML runtime at all (REKAN_BAML_CLI names a missing file that says why).
# - `e2e`: the flake check checks.<system>.api-e2e: the tests whose name
#   contains `EndToEnd`, those that start the real BAML runtime (with fakellm
#   as the provider), which a slow or loaded builder can make flaky.
# A test that starts the runtime without `EndToEnd` in its name fails the
# unit suite (baml-cli not usable), so the split cannot drift.
#
# Both run in the sandbox (loopback only, no HOME, no network) except the
# tests listed in `skip`, by name with the reason; make test runs them all.
let
  skip = {
    # Connects to the admin socket as another uid (setuid to nobody, then
    # /usr/bin/curl): the build user cannot change uid and the sandbox has no
    # curl. make test runs it as root.
    TestSocketServesOnlyItsUserAndRoot = "needs root to switch uid and /usr/bin/curl";
    # Read the repository's README.md and CLAUDE.md and run make at its root:
    # the package's source is api/ and eval/ only. make test runs them.
    TestDocumentedCommandsExist = "reads README.md and CLAUDE.md, outside the package source";
    TestMakeRunTakesTheAddress = "runs the repository's Makefile, outside the package source";
  };
  e2ePattern = "EndToEnd";
  goTest =
    flags: "go test -vet=off -count=1 -p \"$NIX_BUILD_CORES\" ${flags} ./...";
  skipped = extra: "-skip '^(${builtins.concatStringsSep "|" (builtins.attrNames skip ++ extra)})$'";
in
{
  inherit skip e2ePattern;
  unit = {
    # What the unit suite gives the tests for REKAN_BAML_CLI.
    bamlCli = "/nonexistent/unit-tests-have-no-baml-runtime--name-the-test-${e2ePattern}";
    command = goTest (skipped [ "Test.*${e2ePattern}.*" ]);
  };
  e2e.command = goTest "-run '${e2ePattern}' ${skipped [ ]}";
}
