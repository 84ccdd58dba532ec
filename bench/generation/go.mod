module github.com/rekan/rekan/bench/generation

go 1.26.0

require (
	github.com/google/pprof v0.0.0-20260709232956-b9395ee17fa0
	github.com/rekan/rekan/eval v0.0.0
)

replace github.com/rekan/rekan/eval => ../../eval
