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
