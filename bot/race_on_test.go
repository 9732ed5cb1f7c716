//go:build race

package bot_test

// raceDetector is on: the race detector slows the SQLite driver tenfold, so wall-clock figures are
// reported, not asserted.
const raceDetector = true
