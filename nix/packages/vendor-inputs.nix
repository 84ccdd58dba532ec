# The files whose content can change api's vendor tree (buildGoModule's
# goModules output, hashed as vendorHash), in plain Nix with builtins only,
# so nix/scripts/hashes.sh checks this list offline against a real
# `go mod vendor` run: every vendored eval file must be listed here.
#
# api.nix names the goModules derivation after a fingerprint of these
# files. The name stays the same across commits that leave them alone (the
# vendor tree is reused instead of refetched), and changes whenever the
# vendor tree may change, so a stale vendorHash fails with a hash mismatch
# instead of a store that still holds the old output reusing stale code.
#
# What `go mod vendor` copies from the local module eval (api/go.mod:
# replace => ../eval): for every eval package api imports, or whose tests
# api's tests import, all files of the package folder except _test.go
# files (cmd/go: matchPotentialSourceFile), its embedded files, and license
# files (LICENSE, COPYING, NOTICE, …) of the folders above it up to the
# module root; modules.txt records eval's `go` line. This list is a
# superset: every Go package folder of eval, whether api imports it or not.
{ root }:
let
  inherit (builtins)
    attrNames
    concatLists
    concatStringsSep
    filter
    hashFile
    hashString
    match
    readDir
    ;

  hasSuffix =
    suffix: s:
    let
      ls = builtins.stringLength s;
      lx = builtins.stringLength suffix;
    in
    ls >= lx && builtins.substring (ls - lx) lx s == suffix;

  # Folders the go command never treats as packages.
  skippedDir = name: match "(testdata|node_modules|vendor|[._].*)" name != null;
  # cmd/go's metaPrefixes: copied from every folder between a vendored
  # package and the module root.
  licenseFile =
    name:
    match "(AUTHORS|CONTRIBUTORS|COPYLEFT|COPYING|COPYRIGHT|LEGAL|LICENSE|NOTICE|PATENTS).*" name != null;

  # rel: path below root ("eval", "eval/content", …).
  packageFiles =
    rel:
    let
      entries = readDir (root + "/${rel}");
      names = attrNames entries;
      regular = filter (n: entries.${n} == "regular") names;
      isPackage = builtins.any (n: hasSuffix ".go" n && !hasSuffix "_test.go" n) regular;
      own =
        if isPackage then
          filter (n: !hasSuffix "_test.go" n) regular
        else
          filter licenseFile regular;
      subdirs = filter (n: entries.${n} == "directory" && !skippedDir n) names;
    in
    map (n: "${rel}/${n}") own ++ concatLists (map (d: packageFiles "${rel}/${d}") subdirs);

  files = [
    "api/go.mod"
    "api/go.sum"
    "eval/go.mod"
  ]
  ++ packageFiles "eval";
in
{
  # Paths relative to root, sorted by the walk (stable).
  inherit files;
  # Changes with the content and the set of those files.
  fingerprint = hashString "sha256" (
    concatStringsSep "\n" (map (f: "${f} ${hashFile "sha256" (root + "/${f}")}") files)
  );
}
