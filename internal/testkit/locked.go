package testkit

import "sync"

// The recorders' lists grow and their failure switches change on the engine's goroutines while a
// test reads and sets them, so every read and write holds the recorder's mutex; these two do it
// once for every recorder.

// snapshot copies *list under mu, so the caller may read it while the recorder appends.
func snapshot[T any](mu *sync.Mutex, list *[]T) []T {
	mu.Lock()
	defer mu.Unlock()
	return append([]T(nil), *list...)
}

// setLocked stores v in *field under mu.
func setLocked[T any](mu *sync.Mutex, field *T, v T) {
	mu.Lock()
	defer mu.Unlock()
	*field = v
}
