package main

import "testing"

func TestParseStat(t *testing.T) {
	for _, tc := range []struct {
		name        string
		stat        string
		steal, busy uint64
		ok          bool
	}{
		// user nice system idle iowait irq softirq steal guest guest_nice
		{"a host", "cpu  1658825 0 185315 7348897 8077 0 12271 87021 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n", 87021, 1658825 + 185315 + 12271 + 87021, true},
		{"no steal column", "cpu  1 2 3 4 5 6 7\n", 0, 0, false},
		{"not the cpu line", "intr 1 2 3 4 5 6 7 8 9\n", 0, 0, false},
		{"garbage", "cpu  1 2 x 4 5 6 7 8\n", 0, 0, false},
		{"empty", "", 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			steal, busy, ok := parseStat(tc.stat)
			if steal != tc.steal || busy != tc.busy || ok != tc.ok {
				t.Errorf("parseStat = %d, %d, %v; want %d, %d, %v", steal, busy, ok, tc.steal, tc.busy, tc.ok)
			}
		})
	}
}
