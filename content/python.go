package content

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Version is a CPython version, e.g. 3.12.1. A feature version ("3.12", as in min_python) has Patch 0.
type Version struct{ Major, Minor, Patch int }

// Oldest and Newest bound the feature versions the bank is verified on (FORMAT.md: 3.10–3.13).
var (
	Oldest = Version{3, 10, 0}
	Newest = Version{3, 13, 0}
)

var versionPattern = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?$`)

// ParseVersion reads "3.11" or "3.11.7".
func ParseVersion(s string) (Version, error) {
	m := versionPattern.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("%q is not a Python version like \"3.11\"", s)
	}
	v := Version{}
	v.Major, _ = strconv.Atoi(m[1])
	v.Minor, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		v.Patch, _ = strconv.Atoi(m[3])
	}
	return v, nil
}

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// Feature is the version as min_python and answer_by_version name it: "3.12".
func (v Version) Feature() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Compare orders versions: negative when v is older than o.
func (v Version) Compare(o Version) int {
	switch {
	case v.Major != o.Major:
		return v.Major - o.Major
	case v.Minor != o.Minor:
		return v.Minor - o.Minor
	}
	return v.Patch - o.Patch
}

// AtLeastFeature reports whether v is feature version f or newer (patch levels ignored).
func (v Version) AtLeastFeature(f Version) bool {
	return v.Major > f.Major || v.Major == f.Major && v.Minor >= f.Minor
}

// Python is one interpreter to verify with: the real executable (not a launcher) and its version.
type Python struct {
	Path    string
	Version Version
}

// probeScript asks an interpreter what it is, once; a launcher (a pyenv shim) answers with the real
// executable it started, so snippets do not pay for the launcher each time.
const probeScript = "import sys; print(sys.implementation.name, '%d.%d.%d' % sys.version_info[:3], sys.executable)"

// ProbePython asks the interpreter at path for its version and real executable.
func ProbePython(ctx context.Context, path string) (Python, error) {
	ctx, cancel := context.WithTimeout(ctx, SnippetTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-I", "-c", probeScript).Output()
	if err != nil {
		return Python{}, fmt.Errorf("%s does not run: %w", path, err)
	}
	fields := strings.SplitN(strings.TrimSpace(string(out)), " ", 3)
	if len(fields) < 2 {
		return Python{}, fmt.Errorf("%s: unexpected answer %q to a version probe", path, out)
	}
	if fields[0] != "cpython" {
		return Python{}, fmt.Errorf("%s is %s, not CPython", path, fields[0])
	}
	v, err := ParseVersion(fields[1])
	if err != nil {
		return Python{}, fmt.Errorf("%s: %w", path, err)
	}
	py := Python{Path: path, Version: v}
	if len(fields) == 3 {
		if st, err := os.Stat(fields[2]); err == nil && !st.IsDir() {
			py.Path = fields[2]
		}
	}
	return py, nil
}

// FindPythons returns every CPython 3.10–3.13 to verify with, oldest first: the one PYQBOT_PYTHON
// names when it is set; else python3.10 … python3.13 and python3 on PATH and pyenv's
// versions/3.1x.y, one per feature version (the newest patch release).
func FindPythons(ctx context.Context) ([]Python, error) {
	if p := os.Getenv("PYQBOT_PYTHON"); p != "" {
		py, err := ProbePython(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("PYQBOT_PYTHON: %w", err)
		}
		return []Python{py}, nil
	}
	candidates := pythonCandidates(ctx)
	found := make([]*Python, len(candidates))
	var wg sync.WaitGroup
	for i, c := range candidates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if py, err := ProbePython(ctx, c); err == nil {
				found[i] = &py
			}
		}()
	}
	wg.Wait()
	best := map[int]Python{}
	for _, py := range found {
		if py == nil || py.Version.Major != 3 || !py.Version.AtLeastFeature(Oldest) || py.Version.Minor > Newest.Minor {
			continue
		}
		if prev, ok := best[py.Version.Minor]; !ok || py.Version.Compare(prev.Version) > 0 {
			best[py.Version.Minor] = *py
		}
	}
	out := make([]Python, 0, len(best))
	for _, py := range best {
		out = append(out, py)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version.Compare(out[j].Version) < 0 })
	if len(out) == 0 {
		return nil, errors.New("no CPython 3.10-3.13 found (looked for python3.10 … python3.13 and python3 on PATH, and pyenv's versions): install one, or set PYQBOT_PYTHON")
	}
	return out, nil
}

var pyenvVersion = regexp.MustCompile(`^3\.1[0-9]\.[0-9]+$`)

// pythonCandidates lists the executables worth probing, each real file once. pyenv's shims are left
// out: each is a shell script that starts one of the versions listed directly.
func pythonCandidates(ctx context.Context) []string {
	root := pyenvRoot(ctx)
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		real, err := filepath.EvalSymlinks(p)
		if err != nil || seen[real] {
			return
		}
		if root != "" && strings.HasPrefix(p, filepath.Join(root, "shims")+string(filepath.Separator)) {
			return
		}
		seen[real] = true
		out = append(out, p)
	}
	for _, name := range []string{"python3.10", "python3.11", "python3.12", "python3.13", "python3"} {
		for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
			if dir == "" || strings.Contains(dir, "pyenv") && strings.HasSuffix(dir, "shims") {
				continue
			}
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
				add(p)
				break
			}
		}
	}
	if root != "" {
		dirs, _ := os.ReadDir(filepath.Join(root, "versions"))
		for _, d := range dirs {
			if pyenvVersion.MatchString(d.Name()) {
				p := filepath.Join(root, "versions", d.Name(), "bin", "python3")
				if _, err := os.Stat(p); err == nil {
					add(p)
				}
			}
		}
	}
	return out
}

// pyenvRoot is $PYENV_ROOT, else what `pyenv root` says, else ~/.pyenv when it exists.
func pyenvRoot(ctx context.Context) string {
	if r := os.Getenv("PYENV_ROOT"); r != "" {
		return r
	}
	if p, err := exec.LookPath("pyenv"); err == nil {
		ctx, cancel := context.WithTimeout(ctx, SnippetTimeout)
		defer cancel()
		if out, err := exec.CommandContext(ctx, p, "root").Output(); err == nil {
			if r := strings.TrimSpace(string(out)); r != "" {
				return r
			}
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		if st, err := os.Stat(filepath.Join(home, ".pyenv")); err == nil && st.IsDir() {
			return filepath.Join(home, ".pyenv")
		}
	}
	return ""
}
