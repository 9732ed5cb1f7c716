//go:build race

package storage

// raceDetector is on: the race detector slows the SQLite driver several times over, so a
// wall-clock bound must allow for it.
const raceDetector = true
