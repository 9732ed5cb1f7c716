package testkit_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/storage"
)

var conv = bot.Conversation{Platform: testkit.RecorderPlatform, Workspace: "T1", Channel: "C1"}

func TestFakeClockMovesOnlyWhenTold(t *testing.T) {
	t.Parallel()
	c := testkit.NewFakeClock(testkit.Monday)
	if got := c.Now(); !got.Equal(testkit.Monday) {
		t.Fatalf("Now = %v, want %v", got, testkit.Monday)
	}
	c.Advance(90 * time.Second)
	if err := c.Sleep(context.Background(), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Now(), testkit.Monday.Add(92*time.Second); !got.Equal(want) {
		t.Errorf("after Advance and Sleep Now = %v, want %v", got, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if got := c.Sleeps(); len(got) != 1 || got[0] != 2*time.Second {
		t.Errorf("Sleeps = %v, want [2s] (the cancelled one did not sleep)", got)
	}
}

// The kit's engine is the real one on a SQLite file: a question it posts is in the file, seen by
// a second handle as another process would, and the recorder holds the post the engine made.
func TestKitEngineIsRealOnAFile(t *testing.T) {
	t.Parallel()
	k := testkit.NewEngine(t, testkit.Options{})
	if r := k.As(conv, "Lead", true, "today"); !r.Empty() {
		t.Fatalf("today replied %q", bot.PlainText(r.Post))
	}
	sent := k.Recorder.Sent()
	if len(sent) != 1 || sent[0].Post.Answer == nil || sent[0].Post.Answer.Ref != "#1" {
		t.Fatalf("recorded %+v, want question #1 with its answer form", sent)
	}
	if fi, err := os.Stat(k.Path); err != nil || fi.Size() == 0 {
		t.Fatalf("database file %s: %v", k.Path, err)
	}
	other, err := storage.Open(context.Background(), k.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ch, err := other.EnsureChannel(context.Background(), conv, "UTC")
	if err != nil {
		t.Fatal(err)
	}
	open, err := other.OpenPosts(context.Background(), ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].Ref.ID != sent[0].Ref.ID {
		t.Errorf("the file's open questions = %+v, want the recorded post %s", open, sent[0].Ref.ID)
	}
}

// Scheduling through the kit: the leaderboard job posts at its slot when the clock gets there.
func TestKitTickRunsTheScheduler(t *testing.T) {
	t.Parallel()
	k := testkit.NewEngine(t, testkit.Options{
		Schedules: []bot.Schedule{{Job: bot.JobLeaderboard, Spec: "0 16 * * 5", Enabled: true}}})
	if _, err := k.Engine.EnsureChannel(context.Background(), conv); err != nil {
		t.Fatal(err)
	}
	k.Tick(testkit.Monday.Add(time.Hour))
	if n := len(k.Recorder.Sent()); n != 0 {
		t.Fatalf("%d posts on Monday, want none before Friday 16:00", n)
	}
	k.Tick(time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC))
	sent := k.Recorder.Sent()
	if len(sent) != 1 || !strings.Contains(sent[0].Post.Title, "eaderboard") {
		t.Fatalf("posts at Friday 16:00 = %+v, want the leaderboard", sent)
	}
}
