// Package bamlsrc ships Rekan's BAML prompts (the .baml files of this
// folder) inside every binary that imports it, so the prompts a server runs
// can never drift from the ones it was built and tested with.
package bamlsrc

import (
	"embed"
	"io/fs"
)

//go:embed *.baml
var files embed.FS

// FS holds the .baml files at its root.
var FS fs.FS = files
