package main

import (
	"crypto/sha256"
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
// the hypervisor counted as stolen: this virtual machine's CPUs ready to run and waiting for the
// host, which includes waking from idle, so a bursty load shows more of it than a busy loop does.
// It is printed for comparing runs, with probe (hostProbe): a run whose probe is slower than
// another's ran on a slower host.
func stealSince(steal0, busy0 uint64, ok0 bool) string {
	steal, busy, ok := machineTicks()
	switch {
	case !ok || !ok0:
		return "steal unknown (no /proc/stat)"
	case busy <= busy0:
		return "steal unknown (no busy time counted)"
	}
	return fmt.Sprintf("steal %.0f%%", 100*float64(steal-steal0)/float64(busy-busy0))
}

// hostProbe times a fixed piece of CPU work (hashing 4 MiB) five times and returns the fastest:
// the same binary on the same machine gives the same figure unless the host is slower (other
// virtual machines on its cores, a lower clock), which stretches every latency of the run.
func hostProbe() time.Duration {
	buf := make([]byte, 4<<20)
	best := time.Duration(1<<63 - 1)
	for range 5 {
		start := time.Now()
		sha256.Sum256(buf)
		best = min(best, time.Since(start))
	}
	return best
}
