module github.com/rekan/rekan/bench/photos

go 1.26.0

require (
	github.com/rekan/rekan/api v0.0.0
	github.com/rekan/rekan/eval v0.0.0
	golang.org/x/image v0.45.0
)

replace (
	github.com/rekan/rekan/api => ../../api
	github.com/rekan/rekan/eval => ../../eval
)
