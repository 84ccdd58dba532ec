// Package eval holds Rekan's content pipeline. This file ships the BAML
// sources inside every binary that imports the module, so the prompts a
// server runs can never drift from the ones it was built and tested with.
package eval

import (
	"embed"
	"io/fs"
)

//go:embed baml_src
var bamlSource embed.FS

// BAMLSource is the content of eval/baml_src (the .baml files at its root).
var BAMLSource fs.FS = mustSub(bamlSource, "baml_src")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic("eval: embedded " + dir + " missing: " + err.Error())
	}
	return sub
}
