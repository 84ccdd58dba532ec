package bamlrt

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

func TestRemoveStaleDirsKeepsLiveOwners(t *testing.T) {
	exited := exec.Command("true")
	if err := exited.Run(); err != nil {
		t.Fatal(err)
	}
	base := t.TempDir()
	dead := tempDirPrefix + strconv.Itoa(exited.Process.Pid) + "-abc"
	live := tempDirPrefix + strconv.Itoa(os.Getpid()) + "-def"
	legacy := tempDirPrefix + "123456789" // no pid field: not ours to judge
	unrelated := "something-else-1-x"
	for _, name := range []string{dead, live, legacy, unrelated} {
		if err := os.MkdirAll(filepath.Join(base, name, "baml_src"), 0o700); err != nil {
			t.Fatal(err)
		}
	}

	removeStaleDirs(base, t.Logf)

	if _, err := os.Stat(filepath.Join(base, dead)); !os.IsNotExist(err) {
		t.Errorf("the directory of exited pid %d is still there (err %v)", exited.Process.Pid, err)
	}
	for _, name := range []string{live, legacy, unrelated} {
		if _, err := os.Stat(filepath.Join(base, name)); err != nil {
			t.Errorf("%s was removed: %v", name, err)
		}
	}
}
