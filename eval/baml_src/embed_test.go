package bamlsrc

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
)

// The runtime must get every prompt file of the folder and nothing else
// (this package's Go files stay out of the runtime's baml_src).
func TestFSHoldsExactlyTheBAMLFiles(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".baml") {
			want = append(want, e.Name())
		}
	}
	var got []string
	err = fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			got = append(got, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("embedded %v, folder holds %v", got, want)
	}
}
