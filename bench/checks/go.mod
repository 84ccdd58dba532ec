module github.com/rekan/rekan/bench/checks

go 1.26.0

require github.com/rekan/rekan/eval v0.0.0

replace github.com/rekan/rekan/eval => ../../eval
