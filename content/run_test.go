package content

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestRunLimitsCPUNotWallClock: a snippet is refused for the CPU it burns, not for how long a loaded
// machine takes to run it, and a snippet that never ends is still stopped.
func TestRunLimitsCPUNotWallClock(t *testing.T) {
	py := pythons(t)[0]
	savedCPU, savedWall := snippetCPULimit, snippetTimeout
	t.Cleanup(func() { snippetCPULimit, snippetTimeout = savedCPU, savedWall })
	snippetCPULimit, snippetTimeout = 100*time.Millisecond, time.Minute

	if res, err := run(context.Background(), py.Path, "import time\ntime.sleep(0.5)\nprint('slept')"); err != nil || strings.TrimSpace(res.stdout) != "slept" {
		t.Errorf("a snippet that waits without using CPU: %v %q", err, res.stdout)
	}
	busy := "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end:\n    pass\n"
	if _, err := run(context.Background(), py.Path, busy); err == nil || !strings.Contains(err.Error(), "of CPU: snippets must finish in under 2 seconds") {
		t.Errorf("a snippet burning half a second of CPU over a 100ms limit: err = %v", err)
	}
	snippetTimeout = 300 * time.Millisecond
	if _, err := run(context.Background(), py.Path, "import time\ntime.sleep(30)"); err == nil || !strings.Contains(err.Error(), "still running after") {
		t.Errorf("a snippet that hangs: err = %v", err)
	}
}

// A snippet that hangs is stopped once and not run again on the other interpreters, which would
// each wait out the timeout (a minute); its problem says so, and the rest of the bank still runs
// everywhere.
func TestHungSnippetRunsOnOneInterpreterOnly(t *testing.T) {
	py := pythons(t)[0]
	saved := snippetTimeout
	t.Cleanup(func() { snippetTimeout = saved })
	snippetTimeout = 300 * time.Millisecond
	parse := func(name, src string) File {
		f, ps := Parse(name, []byte(src))
		if len(ps) > 0 {
			t.Fatalf("%s: %v", name, Problems(ps))
		}
		return f
	}
	ok := parse("t/closures/q-ok.toml", question("q-ok", "closures", "A", [3]string{"A", "1", ""}, [3]string{"B", "2", "Off by one."}))
	hang := parse("t/closures/q-hang.toml", strings.Replace(question("q-hang", "closures", "A", [3]string{"A", "1", ""}, [3]string{"B", "2", "Off by one."}),
		"print(1)", "import time\ntime.sleep(30)\nprint(1)", 1))

	reports := VerifyAll(context.Background(), []Python{py, py}, []File{ok, hang})
	if len(reports) != 2 {
		t.Fatalf("%d reports, want 2", len(reports))
	}
	first, second := reports[0], reports[1]
	if first.Verified != 2 || len(first.Problems) != 1 || !strings.Contains(first.Problems[0].Msg, "still running after 300ms") ||
		!strings.HasSuffix(first.Problems[0].Msg, "(not run on the other interpreters)") {
		t.Errorf("first interpreter: %d verified, problems %v; want both run and the hang reported once, saying it is not run again", first.Verified, first.Problems)
	}
	if second.Verified != 1 || second.NotRun != 1 || len(second.Problems) != 0 || !strings.Contains(second.String(), "1 question not run: a snippet hung on an earlier interpreter") {
		t.Errorf("second interpreter: %s, problems %v; want only q-ok run", second, second.Problems)
	}
}
