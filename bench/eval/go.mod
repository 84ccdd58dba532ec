module github.com/rekan/rekan/bench/eval

go 1.26.0
