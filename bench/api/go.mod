module github.com/rekan/rekan/bench/api

go 1.26.0
