# The Rekan server: one pure-Go binary extending PocketBase. api/go.mod
# replaces github.com/rekan/rekan/eval with ../eval, so the source holds both
# modules and modRoot points at api/.
{
  lib,
  buildGoModule,
  buildPackages,
  makeWrapper,
  version,
  # The BAML runtime the binary starts as its child. null leaves the binary
  # unwrapped (the cross build: its wrapper would need a cross-built shell;
  # the NixOS module sets REKAN_BAML_CLI itself).
  bamlRuntime ? null,
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

  # buildPackages.go_1_26 is go_1_26 in a native package set and the build
  # machine's compiler in pkgsCross, which is what a cross build needs.
  buildGo126 = buildGoModule.override { go = buildPackages.go_1_26; };
in
buildGo126 {
  pname = "rekan-api";
  inherit version src;

  modRoot = "api";
  subPackages = [ "." ];

  # Vendor mode: the hash can be recomputed offline from go.sum-verified
  # module content (nix/scripts/hashes.sh), unlike proxy mode whose bytes
  # depend on what the module proxy serves. Eval is vendored too, so the
  # hash changes with every non-test eval change: `make nix-hashes`.
  vendorHash = hashes.api.vendorHash;
  proxyVendor = false;

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

  # The end-to-end tests start the real BAML runtime against the in-process
  # fake LLM on loopback; nothing needs the network.
  preCheck = ''
    export HOME=$TMPDIR
  ''
  + lib.optionalString (bamlRuntime != null) ''
    export REKAN_BAML_CLI=${lib.getExe bamlRuntime}
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
