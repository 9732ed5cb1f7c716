package bot_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// BenchmarkRecordAnswer measures `/pyq answer` end to end through the engine: parse, load the channel
// and the open question, commit the answer to SQLite on disk, build the confirmation.
func BenchmarkRecordAnswer(b *testing.B) {
	h := newHarness(b, testQuestions()[:1])
	h.postOnly()
	ctx := context.Background()
	users := make([]bot.User, b.N)
	for i := range users {
		users[i] = bot.User{ID: fmt.Sprintf("u%d", i), Name: fmt.Sprintf("User %d", i)}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := h.engine.Handle(ctx, bot.Event{Conv: h.conv, User: users[i], Text: "answer C"})
		if r.Post.Text == "" || r.Post.Text[:8] != "Recorded" {
			b.Fatalf("answer %d: %q", i, r.Post.Text)
		}
	}
}

// BenchmarkAnswerBurst is a burst of button presses through the engine: `answer #1 C` from a new
// user each time, 64 in flight per CPU, so the answers share commits and the figure is mostly the
// engine's and the store's CPU per answer (reads, statements, reply), not one commit each.
func BenchmarkAnswerBurst(b *testing.B) {
	h := newHarness(b, testQuestions()[:1])
	h.postOnly()
	ctx := context.Background()
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(64)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			r := h.engine.Handle(ctx, bot.Event{Conv: h.conv, User: bot.User{ID: fmt.Sprintf("u%d", i), Name: "user"}, Text: "answer #1 C"})
			if len(r.Post.Text) < 8 || r.Post.Text[:8] != "Recorded" {
				b.Fatalf("answer %d: %q", i, r.Post.Text)
			}
		}
	})
	h.engine.WaitIdle()
}
