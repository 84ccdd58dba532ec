# The operators' SvelteKit SPA as static files (adapter-static, 200.html
# fallback). Caddy serves this output directly.
{
  lib,
  stdenvNoCC,
  fetchPnpmDeps,
  pnpmConfigHook,
  pnpm_10,
  nodejs_22,
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

  # fetchPnpmDeps names its output "${pname}-pnpm-deps" and ignores
  # `version`, so the lock's id goes into pname. The FOD then keeps its
  # store path across commits while the dependencies stay the same, and a
  # change of the lock (or of the files and pnpm that shape the store) gets
  # a new path: a stale hash fails right there with a hash mismatch instead
  # of a store that still holds the old path reusing it and pnpmConfigHook
  # failing later with ERR_PNPM_NO_OFFLINE_TARBALL.
  lockId = builtins.substring 0 12 (
    builtins.hashString "sha256" (
      builtins.concatStringsSep "\n" (
        [
          pnpm_10.version
          (toString fetcherVersion)
        ]
        ++ map (f: "${f} ${builtins.hashFile "sha256" (root + "/${f}")}") (
          builtins.filter (f: builtins.pathExists (root + "/${f}")) [
            "package.json"
            "pnpm-lock.yaml"
            "pnpm-workspace.yaml"
            ".npmrc"
          ]
        )
      )
    )
  );
  fetcherVersion = 3;
in
stdenvNoCC.mkDerivation (finalAttrs: {
  pname = "rekan-web";
  inherit version src;

  pnpmDeps = fetchPnpmDeps {
    pname = "rekan-web-${lockId}";
    inherit (finalAttrs) src;
    # pnpm 10 in both places: the top-level pnpm is a newer major whose store
    # layout would not match, and fetcherVersion 3 is pnpm 10's format.
    pnpm = pnpm_10;
    inherit fetcherVersion;
    hash = hashes.web.pnpmDepsHash;
  };

  nativeBuildInputs = [
    nodejs_22
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
