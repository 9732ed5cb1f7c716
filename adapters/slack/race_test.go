//go:build race

package slack

// raceEnabled: the race detector slows the pure-Go SQLite about twentyfold, so the whole-bank
// test samples the bank under it (the full bank runs in a few seconds without it).
const raceEnabled = true
