// Package syncbuf is the buffer pyqbot's tests share for output another goroutine writes. It
// imports nothing of pyqbot, so every package's tests can use it, including bot/scheduler's own
// (which cannot import testkit, since testkit imports the scheduler); testkit.SyncBuffer is this
// type.
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer safe to write from an adapter's goroutine (the terminal's output,
// a logger) while the test reads it. Read makes it input that a test tops up: it takes what is
// queued and says io.EOF when nothing is, so the terminal adapter's Run returns instead of
// waiting.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *Buffer) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Read(p)
}

// String is everything written so far (and not yet read).
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Since returns what was written after mark (a length String had), and the new mark; for a
// buffer nothing Reads.
func (b *Buffer) Since(mark int) (string, int) {
	s := b.String()
	return s[mark:], len(s)
}
