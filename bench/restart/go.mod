module github.com/rekan/rekan/bench/restart

go 1.26.0

require (
	github.com/rekan/rekan/bench/internal/harness v0.0.0
	github.com/rekan/rekan/eval v0.0.0
)

replace (
	github.com/rekan/rekan/bench/internal/harness => ../internal/harness
	github.com/rekan/rekan/eval => ../../eval
)
