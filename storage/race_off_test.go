//go:build !race

package storage

// raceDetector is off (see race_on_test.go).
const raceDetector = false
