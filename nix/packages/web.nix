# The operators' SvelteKit SPA as static files (adapter-static, 200.html
# fallback). Caddy serves this output directly.
{
  lib,
  stdenvNoCC,
  fetchPnpmDeps,
  pnpmConfigHook,
  pnpm_10,
  nodejs_20,
  version,
}:
let
  hashes = lib.importJSON ../hashes.json;
  root = ../../web;
  fs = lib.fileset;

  # Build outputs and local installs never enter the source.
  src = fs.toSource {
    inherit root;
    fileset = fs.difference root (
      fs.unions (
        map (p: fs.maybeMissing (root + "/${p}")) [
          "node_modules"
          "build"
          ".svelte-kit"
          "test-results"
          "playwright-report"
        ]
      )
    );
  };

  # The dependency FOD is named after the lock file, not the flake revision:
  # unchanged dependencies keep their store path across commits, and a lock
  # change can never silently reuse a stale FOD (it refetches and fails on a
  # stale hash instead).
  lockId = builtins.substring 0 12 (builtins.hashFile "sha256" (root + "/pnpm-lock.yaml"));
in
stdenvNoCC.mkDerivation (finalAttrs: {
  pname = "rekan-web";
  inherit version src;

  pnpmDeps = fetchPnpmDeps {
    pname = "rekan-web";
    version = lockId;
    inherit (finalAttrs) src;
    # pnpm 10 in both places: the top-level pnpm is a newer major whose store
    # layout would not match, and fetcherVersion 3 is pnpm 10's format.
    pnpm = pnpm_10;
    fetcherVersion = 3;
    hash = hashes.web.pnpmDepsHash;
  };

  nativeBuildInputs = [
    nodejs_20
    pnpm_10
    pnpmConfigHook
  ];

  buildPhase = ''
    runHook preBuild
    pnpm build
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall
    test -f build/200.html || { echo "web: build/200.html missing (adapter-static fallback)" >&2; exit 1; }
    cp -r build $out
    runHook postInstall
  '';

  meta = {
    description = "Rekan web app (static SvelteKit build)";
    platforms = lib.platforms.all;
  };
})
