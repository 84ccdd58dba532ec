// Package bamlsrc ships Rekan's BAML prompts (the .baml files of this
// folder) inside every binary that imports it, so the prompts a server runs
// can never drift from the ones it was built and tested with.
//
// It is a package of its own, and the eval module root holds no Go code, so
// that api's `go mod vendor` (and with it the Nix vendorHash) copies only Go
// package folders and these sources: make fragments, READMEs and other files
// at the module root never reach the vendor tree.
package bamlsrc

import (
	"embed"
	"io/fs"
)

//go:embed *.baml
var files embed.FS

// FS holds the .baml files at its root.
var FS fs.FS = files
