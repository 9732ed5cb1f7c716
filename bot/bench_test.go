package bot_test

import (
	"context"
	"fmt"
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
