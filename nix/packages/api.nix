# The Rekan server: one pure-Go binary extending PocketBase. api/go.mod
# replaces github.com/rekan/rekan/eval with ../eval, so the source holds both
# modules and modRoot points at api/.
{
  lib,
  buildGoModule,
  buildPackages,
  makeWrapper,
  version,
  # The BAML runtime the binary starts as its child, and the one the check
  # phase runs the end-to-end tests against. null leaves the binary
  # unwrapped (the cross build: the NixOS module sets REKAN_BAML_CLI itself).
  bamlRuntime ? null,
  # GOARCH of a linux binary built by this (native) package set for another
  # architecture, e.g. "arm64" on x86_64. The server is pure Go, so the host
  # Go cross-compiles it by itself: no cross stdenv, no cross C toolchain.
  # Its tests cannot run on the build machine, so there is no check phase.
  crossGoArch ? null,
  # Which api test suite the check phase runs (nix/packages/api-check.nix):
  # "unit" for the package, "e2e" for the flake check checks.<system>.api-e2e
  # (the tests that start the BAML runtime), so a flaky end-to-end test fails
  # `nix flake check`, never `nixos-rebuild switch`.
  suite ? "unit",
}:
let
  hashes = lib.importJSON ../hashes.json;
  root = ../..;
  fs = lib.fileset;

  # The package's source: api/ and eval/ (the replace needs both), minus
  # what would break the build (a vendor/ dir makes buildGoModule fail, go.work
  # switches Go to workspace mode, node_modules is npm's).
  src = fs.toSource {
    inherit root;
    fileset = fs.difference (fs.unions [
      (root + "/api")
      (root + "/eval")
      # Read by api's tests (every variable the code reads is documented).
      (root + "/.env.example")
    ]) (fs.unions [
      (fs.maybeMissing (root + "/api/vendor"))
      (fs.maybeMissing (root + "/api/go.work"))
      (fs.maybeMissing (root + "/eval/go.work"))
      (fs.maybeMissing (root + "/eval/node_modules"))
    ]);
  };

  # goModules sees only the module files (go-modules.nix explains why they
  # suffice), so its hash moves with api's requirements and nothing else.
  modules = import ./go-modules.nix;
  modulesSrc = fs.toSource {
    inherit root;
    fileset = fs.unions (map (f: root + "/${f}") modules.files);
  };

  go = buildPackages.go_1_26;
  buildGo126 = buildGoModule.override { inherit go; };

  cross = crossGoArch != null;
  tests = (import ./api-check.nix).${suite};
  # The unit suite gets no runtime: a test that needs one and is not named
  # as an end-to-end test fails there instead of running in the package.
  testBamlCli = if suite == "e2e" then lib.getExe bamlRuntime else tests.bamlCli;
in
assert lib.assertMsg (
  cross || bamlRuntime != null
) "rekan-api: the binary is wrapped with bamlRuntime, and the e2e suite runs against it";
assert lib.assertMsg (builtins.elem suite [
  "unit"
  "e2e"
]) "rekan-api: suite is \"unit\" or \"e2e\"";
buildGo126 {
  pname = if suite == "e2e" then "rekan-api-e2e" else "rekan-api";
  inherit version src;

  modRoot = "api";
  subPackages = [ "." ];

  # Proxy mode: goModules is `go mod download`'s module cache, which holds
  # the registry modules only; the build then reads eval from src through the
  # replace (-mod=readonly, GOPROXY=file://goModules). Vendor mode copied the
  # eval packages into the vendor tree, so every eval edit moved the hash.
  # The cache's bytes (.info, .mod, .zip) are the module proxy's own, the
  # same from any machine: nix/scripts/hashes.sh recomputes the hash offline.
  vendorHash = hashes.api.vendorHash;
  proxyVendor = true;
  overrideModAttrs = _final: _prev: {
    name = "rekan-api-go-modules-${modules.key root go.version}";
    src = modulesSrc;
  };

  env = {
    # Pure Go: no C toolchain, trivially cross-compiled.
    CGO_ENABLED = "0";
    GOWORK = "off";
  };

  ldflags = [
    "-s"
    "-w"
    "-X main.version=${version}"
  ];

  nativeBuildInputs = lib.optional (bamlRuntime != null) makeWrapper;

  # Not in env: buildGoModule sets env.GOOS/GOARCH to the host's, and
  # goModules inherits env and preBuild but not postConfigure.
  postConfigure = lib.optionalString cross ''
    export GOOS=linux GOARCH=${crossGoArch}
  '';
  # `go install` puts a foreign binary in $GOPATH/bin/linux_<arch>;
  # buildGoModule only moves it up in a cross stdenv.
  postBuild = lib.optionalString cross ''
    mv "$GOPATH/bin/linux_${crossGoArch}"/* "$GOPATH/bin/"
    rmdir "$GOPATH/bin/linux_${crossGoArch}"
  '';
  # -s -w already strip it, and the host's strip cannot read a foreign ELF.
  dontStrip = cross;

  # Every api package, not only `subPackages`: buildGoModule's check phase
  # tests the directories of subPackages (here ".") and would skip
  # internal/* and migrations. The e2e suite starts the real BAML runtime
  # package against the in-process fakellm on loopback, which the sandbox
  # allows. nix/checks/go-sandbox.sh runs both commands offline, without
  # network and with a clean environment.
  doCheck = !cross;
  checkPhase = ''
    runHook preCheck
    export HOME=$TMPDIR CI=true
    export REKAN_BAML_CLI=${testBamlCli}
    # Tests may read source paths; buildGoModule drops -trimpath for them too.
    export GOFLAGS=''${GOFLAGS//-trimpath/}
    ${tests.command}
    runHook postCheck
  '';

  postInstall = lib.optionalString (bamlRuntime != null) ''
    wrapProgram $out/bin/api --set-default REKAN_BAML_CLI ${lib.getExe bamlRuntime}
  '';

  passthru = {
    inherit bamlRuntime;
  };

  meta = {
    description = "Rekan server: PocketBase with content generation through BAML";
    platforms = lib.platforms.linux;
    mainProgram = "api";
  };
}
