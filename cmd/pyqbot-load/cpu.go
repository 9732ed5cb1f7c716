package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
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

// machineTicks reads the machine's CPU time from /proc/stat: how much went to other virtual
// machines (steal) and how much was busy here or stolen (not idle). ok is false where there is no
// /proc/stat.
func machineTicks() (steal, busy uint64, ok bool) {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	return parseStat(string(raw))
}

// parseStat reads the first line of /proc/stat's text (see machineTicks).
func parseStat(stat string) (steal, busy uint64, ok bool) {
	line, _, _ := strings.Cut(stat, "\n")
	fields := strings.Fields(line)
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0, 0, false
	}
	// user nice system idle iowait irq softirq steal; guest time is counted inside user.
	for i, f := range fields[1:9] {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return 0, 0, false
		}
		if i != 3 && i != 4 {
			busy += v
		}
		if i == 7 {
			steal = v
		}
	}
	return steal, busy, true
}

// stealSince says what share of the machine's busy CPU time since the reading (steal0, busy0)
// the hypervisor gave to other virtual machines. On a shared host a burst's latencies stretch with
// it, so a run with much of it does not compare with one on a quiet host.
func stealSince(steal0, busy0 uint64) string {
	steal, busy, ok := machineTicks()
	if !ok || busy <= busy0 {
		return "steal unknown (no /proc/stat)"
	}
	share := 100 * float64(steal-steal0) / float64(busy-busy0)
	s := fmt.Sprintf("steal %.0f%%", share)
	if share > 10 {
		s += " (other virtual machines took that share of the busy CPU time: these latencies are not a quiet host's)"
	}
	return s
}
