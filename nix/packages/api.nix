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
}:
let
  hashes = lib.importJSON ../hashes.json;
  root = ../..;
  fs = lib.fileset;

  # Exactly what `make nix-hashes` copies before `go mod vendor`: the tracked
  # files of api/ and eval/, minus anything that would break or change the
  # vendor step (a vendor/ dir makes goModules fail, go.work switches Go to
  # workspace mode, node_modules is npm's).
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

  go = buildPackages.go_1_26;
  buildGo126 = buildGoModule.override { inherit go; };

  # buildGoModule names goModules "<name>-go-modules", i.e. after the flake
  # revision in `version`, so every commit would refetch it. Named after
  # what can change the vendor tree instead (nix/packages/vendor-inputs.nix)
  # and the Go release that writes it, it is reused across commits and
  # still refetched, and checked against vendorHash, whenever it may differ.
  vendorKey = builtins.substring 0 12 (
    builtins.hashString "sha256" ((import ./vendor-inputs.nix { inherit root; }).fingerprint + go.version)
  );

  cross = crossGoArch != null;
in
assert lib.assertMsg (
  cross || bamlRuntime != null
) "rekan-api: the check phase runs the end-to-end tests and needs bamlRuntime";
buildGo126 {
  pname = "rekan-api";
  inherit version src;

  modRoot = "api";
  subPackages = [ "." ];

  # Vendor mode: the hash can be recomputed offline from go.sum-verified
  # module content (nix/scripts/hashes.sh), unlike proxy mode whose bytes
  # depend on what the module proxy serves. Eval's package folders are
  # vendored too, so the hash changes with them (CLAUDE.md lists exactly
  # what moves it): `make nix-hashes`.
  vendorHash = hashes.api.vendorHash;
  proxyVendor = false;
  overrideModAttrs = _final: _prev: { name = "rekan-api-go-modules-${vendorKey}"; };

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

  # The whole api suite, not only `subPackages`: buildGoModule's check phase
  # tests the directories of subPackages (here ".") and would skip
  # internal/*, migrations and the end-to-end tests. These start the real
  # BAML runtime package against the in-process fakellm on loopback, which
  # the sandbox allows. CI=true turns a missing runtime into a failure
  # instead of a skip. Every test runs; nix/checks/go-sandbox.sh runs this
  # very command offline without network, with a clean environment.
  doCheck = !cross;
  checkPhase = ''
    runHook preCheck
    export HOME=$TMPDIR CI=true
    ${lib.optionalString (bamlRuntime != null) "export REKAN_BAML_CLI=${lib.getExe bamlRuntime}"}
    # Tests may read source paths; buildGoModule drops -trimpath for them too.
    export GOFLAGS=''${GOFLAGS//-trimpath/}
    ${(import ./api-check.nix).command}
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
