package content

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakePython writes an executable that answers the version probe as an interpreter would.
func fakePython(t *testing.T, path, impl, version string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf("#!/bin/sh\necho %s %s %s\n", impl, version, path)
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestFindPythonsOnePerFeatureVersionNewestPatch(t *testing.T) {
	bin, pyenv := t.TempDir(), t.TempDir()
	fakePython(t, filepath.Join(bin, "python3.11"), "cpython", "3.11.2")
	fakePython(t, filepath.Join(bin, "python3"), "cpython", "3.11.2") // the same version again
	fakePython(t, filepath.Join(bin, "python3.13"), "pypy", "3.13.0") // not CPython
	fakePython(t, filepath.Join(pyenv, "versions", "3.11.9", "bin", "python3"), "cpython", "3.11.9")
	fakePython(t, filepath.Join(pyenv, "versions", "3.12.1", "bin", "python3"), "cpython", "3.12.1")
	fakePython(t, filepath.Join(pyenv, "versions", "3.12.0", "bin", "python3"), "cpython", "3.12.0")
	fakePython(t, filepath.Join(pyenv, "versions", "3.9.18", "bin", "python3"), "cpython", "3.9.18") // too old
	fakePython(t, filepath.Join(pyenv, "shims", "python3.10"), "cpython", "3.10.1")                  // a shim: skipped
	t.Setenv("PATH", bin+string(os.PathListSeparator)+filepath.Join(pyenv, "shims"))
	t.Setenv("PYENV_ROOT", pyenv)
	t.Setenv("PYQBOT_PYTHON", "")
	got, err := FindPythons(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	for _, py := range got {
		desc = append(desc, py.Version.String()+"="+strings.TrimPrefix(strings.TrimPrefix(py.Path, pyenv), bin))
	}
	want := "3.11.9=/versions/3.11.9/bin/python3 3.12.1=/versions/3.12.1/bin/python3"
	if strings.Join(desc, " ") != want {
		t.Errorf("found %v, want %s", desc, want)
	}
}

func TestFindPythonsHonoursPYQBOT_PYTHON(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "mypython")
	fakePython(t, p, "cpython", "3.12.4")
	t.Setenv("PYQBOT_PYTHON", p)
	got, err := FindPythons(context.Background())
	if err != nil || len(got) != 1 || got[0].Version != (Version{3, 12, 4}) || got[0].Path != p {
		t.Errorf("FindPythons with PYQBOT_PYTHON = %v, %v; want only %s at 3.12.4", got, err, p)
	}
	t.Setenv("PYQBOT_PYTHON", filepath.Join(dir, "missing"))
	if _, err := FindPythons(context.Background()); err == nil || !strings.Contains(err.Error(), "PYQBOT_PYTHON") {
		t.Errorf("a PYQBOT_PYTHON that does not run: err = %v, want one naming PYQBOT_PYTHON", err)
	}
}

func TestFindPythonsNoneFound(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("PYENV_ROOT", t.TempDir())
	t.Setenv("PYQBOT_PYTHON", "")
	if got, err := FindPythons(context.Background()); err == nil || !strings.Contains(err.Error(), "install one, or set PYQBOT_PYTHON") {
		t.Errorf("FindPythons = %v, %v; want an error saying what to do", got, err)
	}
}
