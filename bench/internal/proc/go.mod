module github.com/rekan/rekan/bench/internal/proc

go 1.26.0
