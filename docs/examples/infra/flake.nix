# Example infrastructure flake: one small ARM64 VPS running Rekan (production
# plus a staging instance) behind Caddy. Copy it into your infra repository,
# add the machine's hardware-configuration.nix and adjust the names.
#
#   nix flake update rekan && nixos-rebuild switch --flake .#vps
#
# See "Deploying on NixOS" in the Rekan repository's README.md.
{
  description = "Infrastructure: a VPS running Rekan";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    rekan = {
      url = "github:rekan/rekan";
      # One nixpkgs for the whole system. Rekan's fixed-output hashes were
      # computed with its own pin (pnpm 10, Go 1.26); keep this nixpkgs
      # within a few months of Rekan's flake.lock (README.md, "How close your
      # nixpkgs must be to Rekan's"), or drop this line to build Rekan with
      # its pin.
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs =
    { nixpkgs, rekan, ... }:
    {
      nixosConfigurations.vps = nixpkgs.lib.nixosSystem {
        system = "aarch64-linux";
        modules = [
          ./hardware-configuration.nix
          rekan.nixosModules.default
          {
            services.rekan = {
              enable = true;
              domain = "rekan.example.com";
              # KEY=value lines, readable by root only, never in the store:
              #   REKAN_LLM_API_KEY=sk-or-...
              #   REKAN_LLM_FALLBACK_API_KEY=...
              environmentFile = "/var/lib/secrets/rekan.env";
              settings = {
                REKAN_WRITER_MODEL = "openai/gpt-4o-mini";
                REKAN_CONTACT_PHONE = "5511999999999";
              };
              # The PocketBase admin UI (/_/) answers only these addresses;
              # the default is the host itself (reach it with an SSH tunnel).
              adminAllowedIPs = [
                "127.0.0.0/8"
                "::1/128"
                "203.0.113.7/32"
              ];

              # A second instance on the same host: own unit, user, database,
              # admin command (`rekan-staging`) and virtual host.
              instances.staging = {
                domain = "staging.rekan.example.com";
                port = 8091;
                environmentFile = "/var/lib/secrets/rekan-staging.env";
                settings.REKAN_APP_NAME = "Rekan (staging)";
              };
            };

            # Building Go on a small VPS is slow: build the server on an
            # x86_64 workstation instead (README.md, "Cross-compiled
            # deploys") and use these two lines:
            # services.rekan.package = rekan.packages.x86_64-linux.api-aarch64-linux;
            # services.rekan.webPackage = rekan.packages.x86_64-linux.web;

            services.caddy.email = "ops@example.com";
            networking.firewall.allowedTCPPorts = [
              80
              443
            ];
            system.stateVersion = "25.11";
          }
        ];
      };
    };
}
