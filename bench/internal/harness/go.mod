module github.com/rekan/rekan/bench/internal/harness

go 1.26.0
