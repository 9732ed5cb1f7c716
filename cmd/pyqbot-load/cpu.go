package main

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system) this process has used so far. The machine may be
// shared, so latencies move with what else runs on it; this figure does not, which makes it the
// steadier before/after measure of the work a request costs.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// settle waits until the process is idle (under 5% of a CPU over 20 ms, at most 3 s), so that
// work a round left behind (footer edits, users.info refreshes) is charged to that round and does
// not slow the next one, which may be the other target's.
func settle() {
	const window = 20 * time.Millisecond
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		before := processCPU()
		time.Sleep(window)
		if processCPU()-before < window/20 {
			return
		}
	}
}
