module github.com/rekan/rekan/bench/restart

go 1.26.0
