# The source of the api package's goModules derivation (api.nix,
# proxyVendor = true), in plain Nix with builtins only so the offline checks
# (nix/checks/lib.sh `api_go_modules`, nix/checks/go-modules.sh) read the
# same list.
#
# In proxy mode, goModules runs `go mod download` in api/ and keeps the
# module download cache (pkgs/build-support/go/module.nix): the registry
# modules api's go.mod and go.sum name. The replaced ../eval directory is
# never downloaded; only its go.mod is read, because eval's requirements
# join api's module graph. So these three files are all goModules needs, and
# api.nix gives it only them: no edit anywhere else (an eval package, a
# prompt, a README) can reach the fixed-output derivation.
let
  files = [
    "api/go.mod"
    "api/go.sum"
    "eval/go.mod"
  ];
in
{
  inherit files;

  # goModules' name suffix: buildGoModule would name it after `version`
  # (the flake revision) and refetch it on every commit. Named after the
  # files and the Go release instead, it is reused across commits and gets
  # a new name whenever its content may change, so a stale vendorHash fails
  # with a hash mismatch instead of a store silently reusing old modules.
  key =
    root: goVersion:
    builtins.substring 0 12 (
      builtins.hashString "sha256" (
        builtins.concatStringsSep "\n" (
          map (f: "${f} ${builtins.hashFile "sha256" (root + "/${f}")}") files
          ++ [ goVersion ]
        )
      )
    );
}
