module github.com/rekan/rekan/nix/scripts/zstd-cli

go 1.26.0

require github.com/DataDog/zstd v1.5.7
