package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// emojiRecorder is a recorder whose platform draws progress with emoji, as Slack and Discord do.
type emojiRecorder struct{ *testkit.Recorder }

func (r *emojiRecorder) ProgressMarks() bot.Marks { return bot.EmojiMarks }

// TestMeGolden plays eight weeks of weekday questions on a real database (right, partly right,
// wrong, missed and design answers, a freeze spent, practice) and compares `/pyq me` with the
// golden files: the terminal's marks and a chat platform's emoji. Run with -update to rewrite them.
func TestMeGolden(t *testing.T) {
	h := newHarness(t, testQuestions())
	h.clock.Set(time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)) // a Monday
	answerFor := map[string]func(i int) string{
		"out-one": func(i int) string {
			if i%4 == 1 {
				return "answer A"
			}
			return "answer C"
		},
		"review-one": func(i int) string {
			if i%3 == 0 {
				return "answer A,C"
			}
			return "answer A"
		},
		"design-one": func(int) string { return "answer asyncio because the work is I/O bound" },
	}
	for i := 0; ; i++ {
		now := h.clock.Now()
		if now.After(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)) {
			break
		}
		if wd := now.Weekday(); wd == time.Saturday || wd == time.Sunday {
			h.clock.Advance(24 * time.Hour)
			continue
		}
		p := h.postOnly()
		id := p.Post.Footer[strings.LastIndex(p.Post.Footer, "id ")+3:]
		h.as("Bob", false, answerFor[id](0))
		if i%9 != 4 { // Ann misses now and then
			h.as("Ann", false, answerFor[id](i))
		}
		h.as("lead", true, "reveal")
		h.clock.Advance(24 * time.Hour)
	}
	h.as("Ann", false, "practice closures")
	h.as("Ann", false, "answer p1 C")
	h.as("Ann", false, "practice security")
	h.as("Ann", false, "answer p2 B")
	h.postOnly() // Wednesday 25 November, 09:00: today's question is open

	// The same database seen by an engine whose adapter for the platform draws emoji, asked from a
	// DM: the rules come from Ann's team channel.
	kit := testkit.NewEngine(t, testkit.Options{Questions: testQuestions(), Clock: h.clock, Path: h.path})
	chat := kit.Engine
	chat.AddAdapter(&emojiRecorder{kit.Recorder}) // in the place of the kit's plain one
	for _, tc := range []struct {
		golden string
		engine *bot.Engine
		conv   bot.Conversation
	}{
		{"me_terminal.golden", h.engine, h.conv},
		{"me_chat.golden", chat, bot.Conversation{Platform: h.conv.Platform, Workspace: h.conv.Workspace, Channel: "D-ann"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			r := tc.engine.Handle(context.Background(), bot.Event{Conv: tc.conv, User: bot.User{ID: "ann", Name: "Ann"}, Text: "me"})
			if !r.Private {
				t.Error("/pyq me is public; it must be private")
			}
			checkGolden(t, tc.golden, bot.PlainText(r.Post))
		})
	}
}
