package storage

// For the external test package (schedules_test.go): the contract suite's backends.

// Backend is a kind of database the suite runs on.
type Backend = backend

// ForEachBackend runs fn as a subtest per backend.
var ForEachBackend = forEachBackend

// ConcurrentWins runs n claims at once and counts the ones won.
var ConcurrentWins = concurrentWins
