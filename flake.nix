{
  description = "Rekan: an AI content partner for Brazilian micro-entrepreneurs";

  # nixpkgs is the only input. flake.lock pins it; bump it with
  # `nix flake update nixpkgs` on a machine with network (README.md,
  # "Bumping nixpkgs in Rekan").
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixpkgs-unstable";

  outputs =
    { self, nixpkgs }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      # lib.genAttrs written with builtins on purpose: `nix eval
      # .#nixosModules.default` first looks for packages.<system>.nixosModules
      # (then legacyPackages), so the attribute names of every per-system
      # output must be known without forcing nixpkgs.lib, or evaluating the
      # module would fetch nixpkgs. Values stay lazy.
      genAttrs =
        names: f:
        builtins.listToAttrs (
          map (name: {
            inherit name;
            value = f name;
          }) names
        );
      forAllSystems = f: genAttrs systems (system: f system nixpkgs.legacyPackages.${system});

      version = self.shortRev or self.dirtyShortRev or "dev";

      # The package set for one pkgs; the cross build below reuses api.nix.
      rekanPackages =
        pkgs:
        let
          baml-runtime = pkgs.callPackage ./nix/packages/baml-runtime.nix { };
        in
        {
          inherit baml-runtime;
          api = pkgs.callPackage ./nix/packages/api.nix {
            inherit version;
            bamlRuntime = baml-runtime;
          };
          web = pkgs.callPackage ./nix/packages/web.nix { inherit version; };
        };
    in
    {
      packages = forAllSystems (
        system: pkgs:
        let
          own = rekanPackages pkgs;
        in
        own
        // {
          default = own.api;
        }
        # Decided on the system name, not on pkgs, to keep the names lazy.
        // (
          if system != "x86_64-linux" then
            { }
          else
            {
              # The server is pure Go (CGO_ENABLED=0; BAML runs as a separate
              # process), so the x86_64 Go of this very package set builds
              # the ARM64 VPS binary with GOOS/GOARCH alone: pkgsCross would
              # bring an aarch64 gcc, glibc and binutils for nothing. It
              # reuses the native vendor FOD, runs no tests (they cannot run
              # here) and is unwrapped: the NixOS module passes
              # REKAN_BAML_CLI itself, and the small BAML runtime derivation
              # is built natively on the server (README.md, "Cross-compiled
              # deploys").
              api-aarch64-linux = pkgs.callPackage ./nix/packages/api.nix {
                inherit version;
                crossGoArch = "arm64";
              };
            }
        )
      );

      # A module function (the CI gate prints "lambda") that needs neither
      # nixpkgs nor a build to evaluate. _file names this output in
      # evaluation errors, and key makes a second import of the same
      # revision a no-op instead of declaring every option twice.
      nixosModules.default =
        { ... }:
        {
          _class = "nixos";
          _file = "${toString ./flake.nix}#nixosModules.default";
          key = "${toString ./flake.nix}#nixosModules.default";
          imports = [
            (import ./nix/module.nix {
              packagesFor = pkgs: self.packages.${pkgs.stdenv.hostPlatform.system};
            })
          ];
        };

      devShells = forAllSystems (
        system: pkgs: {
          default = pkgs.mkShell {
            packages = [
              pkgs.go_1_26
              pkgs.gopls
              pkgs.nodejs_22
              pkgs.pnpm_10
              self.packages.${system}.baml-runtime
              pkgs.chromium
              pkgs.caddy
              pkgs.nixfmt
              pkgs.gnumake
              pkgs.git
              pkgs.jq
              pkgs.curl
              pkgs.zstd
            ];
            # The make targets find baml-cli through REKAN_BAML_CLI before
            # looking for eval/node_modules.
            REKAN_BAML_CLI = "${self.packages.${system}.baml-runtime}/bin/baml-cli";
            # Playwright drives the shell's Chromium (web/playwright.config.ts
            # reads REKAN_CHROMIUM); it never downloads browsers.
            PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";
            REKAN_CHROMIUM = "${pkgs.chromium}/bin/chromium";
          };
        }
      );

      checks = forAllSystems (
        system: pkgs:
        let
          own = self.packages.${system};
        in
        {
          inherit (own) api web baml-runtime;
          # The api tests that start the BAML runtime, outside the package's
          # check phase (nix/packages/api-check.nix): a flaky one fails
          # `nix flake check`, never a deploy. Shares the package's goModules.
          api-e2e = pkgs.callPackage ./nix/packages/api.nix {
            inherit version;
            bamlRuntime = own.baml-runtime;
            suite = "e2e";
          };
          vm = pkgs.testers.runNixOSTest (
            import ./nix/tests/vm.nix {
              rekanModule = self.nixosModules.default;
            }
          );
        }
      );

      formatter = forAllSystems (_: pkgs: pkgs.nixfmt);
    };
}
