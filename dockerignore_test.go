package main

import (
	"bufio"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// dockerIgnore is .dockerignore read with Docker's rules (moby/patternmatcher): each line a
// pattern relative to the context root, a leading / dropped, * and ? within one path element, **
// across any number of them, ! re-includes, the last matching line wins, and a pattern that
// matches a directory covers everything below it.
type dockerIgnore []struct {
	re      *regexp.Regexp
	exclude bool
}

func readDockerIgnore(t *testing.T) dockerIgnore {
	t.Helper()
	f, err := os.Open(".dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var d dockerIgnore
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		exclude := !strings.HasPrefix(line, "!")
		line = path.Clean(strings.TrimPrefix(strings.TrimPrefix(line, "!"), "/"))
		var re strings.Builder
		re.WriteString("^")
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case strings.HasPrefix(line[i:], "**/"):
				re.WriteString("(?:.*/)?")
				i += 2
			case strings.HasPrefix(line[i:], "**"):
				re.WriteString(".*")
				i++
			case c == '*':
				re.WriteString("[^/]*")
			case c == '?':
				re.WriteString("[^/]")
			default:
				re.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		re.WriteString("$")
		d = append(d, struct {
			re      *regexp.Regexp
			exclude bool
		}{regexp.MustCompile(re.String()), exclude})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return d
}

// excluded says whether docker build leaves p (slash-separated, relative to the root) out.
func (d dockerIgnore) excluded(p string) bool {
	out := false
	for _, pat := range d {
		for q := p; q != "." && q != "/"; q = path.Dir(q) { // p or a directory holding it
			if pat.re.MatchString(q) {
				out = pat.exclude
				break
			}
		}
	}
	return out
}

// The build context leaves out the local database and its WAL, built binaries, .git and test
// data (issue 12 item 21: COPY . . sent a team's database, a 24 MB binary and .git into the
// build), and still sends every file the build compiles or embeds.
func TestDockerIgnore(t *testing.T) {
	t.Parallel()
	d := readDockerIgnore(t)
	for _, p := range []string{
		"pyqbot.db", "pyqbot.db-wal", "pyqbot.db-shm", "pyqbot.db.last.json", "data/team.db", "data/team.db-wal",
		"pyqbot", "pyqbot.test", "cmd/pyqbot-load/pyqbot-load.exe",
		".git/HEAD", ".git/objects/ab/cdef",
		"content/testdata/broken/closures/answer-not-a-choice.toml", "adapters/discord/testdata/leaderboard.golden.json",
		"content/testdata/fuzz/FuzzParse/0123abcd", ".env", "config.toml", "cover.out",
	} {
		if !d.excluded(p) {
			t.Errorf("docker build would send %s", p)
		}
	}
	// Everything the image's `go build .` reads: go.mod, go.sum, the Go files of every package
	// in the module and the files they embed (the question bank, the migrations).
	needed := []string{"go.mod", "go.sum", "Dockerfile"}
	out, err := exec.Command("go", "list", "-f", `{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{range .EmbedFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, abs := range strings.Fields(string(out)) {
		rel, err := filepath.Rel(root, abs)
		if err != nil {
			t.Fatal(err)
		}
		needed = append(needed, filepath.ToSlash(rel))
	}
	if len(needed) < 200 {
		t.Fatalf("go list found %d files the build needs; expected the bank's hundreds", len(needed))
	}
	for _, p := range needed {
		if d.excluded(p) {
			t.Errorf("docker build would leave out %s, which the build needs", p)
		}
	}
}
