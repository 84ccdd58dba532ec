# BAML's official HTTP runtime (`baml-cli serve`) from npm, made runnable on
# NixOS. The server starts it as a supervised child (docs/peps/012).
#
# eval/package-lock.json is the single source of truth: version and SRI
# integrity of both tarballs are read from it at evaluation time, so bumping
# @boundaryml/baml with npm is the whole upgrade. `make check-nix-hashes`
# verifies the lock's integrity against the registry's bytes.
{
  lib,
  stdenv,
  fetchurl,
  autoPatchelfHook,
  makeWrapper,
  # A Node release nixpkgs still supports (nodejs_20 is end of life there
  # and marked insecure); `--jitless` is a V8 flag every release keeps.
  nodejs_22,
}:
let
  lock = lib.importJSON ../../eval/package-lock.json;
  entry =
    name:
    lock.packages."node_modules/${name}"
      or (throw "baml-runtime: ${name} is missing from eval/package-lock.json");

  # Only glibc builds exist for both architectures at 0.223.0 (the reason for
  # that pin); musl variants are not needed on NixOS.
  nativeNames = {
    x86_64-linux = "@boundaryml/baml-linux-x64-gnu";
    aarch64-linux = "@boundaryml/baml-linux-arm64-gnu";
  };
  system = stdenv.hostPlatform.system;
  nativeName =
    nativeNames.${system} or (throw "baml-runtime: BAML publishes no native package for ${system}");

  # The public registry URL is rebuilt from name and version: the lock file
  # deliberately carries no `resolved` field (it would name a local mirror).
  fetchNpm =
    name:
    let
      e = entry name;
      base = lib.last (lib.splitString "/" name);
    in
    fetchurl {
      url = "https://registry.npmjs.org/${name}/-/${base}-${e.version}.tgz";
      hash = e.integrity;
    };

  main = entry "@boundaryml/baml";
  native = entry nativeName;
  mainSrc = fetchNpm "@boundaryml/baml";
  nativeSrc = fetchNpm nativeName;
  nativeDir = lib.removePrefix "@boundaryml/" nativeName;
in
assert lib.assertMsg (main.version == native.version)
  "baml-runtime: @boundaryml/baml ${main.version} and ${nativeName} ${native.version} differ in eval/package-lock.json";
stdenv.mkDerivation {
  pname = "baml-runtime";
  inherit (main) version;

  srcs = [
    mainSrc
    nativeSrc
  ];
  dontUnpack = true;
  dontConfigure = true;
  dontBuild = true;
  # Keep the prebuilt addon byte-identical to what BoundaryML published.
  dontStrip = true;

  # The .node addon links only glibc and libgcc_s.
  nativeBuildInputs = [
    autoPatchelfHook
    makeWrapper
  ];
  buildInputs = [ stdenv.cc.cc.lib ];

  installPhase = ''
    runHook preInstall
    modules=$out/lib/node_modules/@boundaryml
    mkdir -p "$modules/baml" "$modules/${nativeDir}"
    # Node resolves the addon package from baml/native.js by walking up to
    # lib/node_modules, exactly as in an npm install.
    tar -xzf ${mainSrc} -C "$modules/baml" --strip-components=1 --no-same-owner
    tar -xzf ${nativeSrc} -C "$modules/${nativeDir}" --strip-components=1 --no-same-owner

    # --jitless: V8 then never maps writable+executable memory, which the
    # service's MemoryDenyWriteExecute=true forbids (BAML needs no JIT).
    # BAML_LOG defaults to warn: at info the runtime logs full prompts.
    # RUST_BACKTRACE would put backtraces into error bodies and double RSS.
    makeWrapper ${lib.getExe nodejs_22} $out/bin/baml-cli \
      --add-flags "--jitless $modules/baml/cli.js" \
      --set-default BAML_LOG warn \
      --unset RUST_BACKTRACE
    runHook postInstall
  '';

  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    $out/bin/baml-cli --version | grep -F ${lib.escapeShellArg main.version}
    runHook postInstallCheck
  '';

  meta = {
    description = "BAML HTTP runtime (baml-cli) ${main.version}, run by Node with --jitless";
    homepage = "https://docs.boundaryml.com";
    license = lib.licenses.mit;
    sourceProvenance = [ lib.sourceTypes.binaryNativeCode ];
    platforms = builtins.attrNames nativeNames;
    mainProgram = "baml-cli";
  };
}
