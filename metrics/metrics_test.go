package metrics_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/metrics"
	"github.com/pyqbot/pyqbot/schedule"
	"github.com/pyqbot/pyqbot/storage"
)

// fakeAdapter accepts every post.
type fakeAdapter struct {
	mu sync.Mutex
	n  int
}

func (a *fakeAdapter) Name() string                                 { return "fake" }
func (a *fakeAdapter) Run(ctx context.Context, _ bot.Handler) error { <-ctx.Done(); return nil }
func (a *fakeAdapter) Send(_ context.Context, to bot.Conversation, _ bot.Post) (bot.MessageRef, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n++
	return bot.MessageRef{Channel: to.Channel, ID: fmt.Sprint("m", a.n)}, nil
}

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics answered %d %q:\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	return string(body)
}

// TestMetricsAfterADay drives the real engine and scheduler on a SQLite file through a day and a
// half with a fake clock, then scrapes: every named metric is there with its labels and values.
func TestMetricsAfterADay(t *testing.T) {
	ctx := context.Background()
	store, err := storage.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	bank, err := bot.NewBank([]bot.Question{{ID: "q1", Kind: bot.KindOutput, Topic: "closures", Difficulty: bot.Warmup,
		Title: "Q", Prompt: "?", Code: "print(1)", Choices: []bot.Choice{{Key: "A", Text: "1"}, {Key: "B", Text: "2"}},
		Answer: []string{"A"}, Explanation: "1", Source: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	reg := metrics.New(metrics.Options{Version: "test", Platforms: []string{"fake"}, OpenQuestions: store.OpenPostCount})
	clk := testkit.NewFakeClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) // a Monday
	eng := bot.New(bot.Config{Store: store, Bank: bank, Now: clk.Now, Seed: 1, ParseSpec: schedule.Parse, Metrics: reg})
	eng.AddAdapter(&fakeAdapter{})
	conv := bot.Conversation{Platform: "fake", Workspace: "w1", Channel: "c1"}
	if _, err := eng.EnsureChannel(ctx, conv); err != nil { // the default schedules, from 08:00
		t.Fatal(err)
	}

	tick := func(at time.Time) {
		t.Helper()
		clk.Set(at)
		if err := eng.Tick(ctx, at); err != nil {
			t.Fatalf("tick at %s: %v", at, err)
		}
	}
	tick(time.Date(2026, 3, 2, 9, 0, 5, 0, time.UTC)) // Monday's question, on time
	for _, u := range []string{"ann", "ben"} {
		r := eng.Handle(ctx, bot.Event{Conv: conv, User: bot.User{ID: u, Name: u}, Text: "answer A"})
		if !strings.Contains(r.Post.Text, "Recorded") {
			t.Fatalf("%s's answer: %q", u, r.Post.Text)
		}
	}
	tick(time.Date(2026, 3, 2, 17, 0, 5, 0, time.UTC))  // the reveal
	tick(time.Date(2026, 3, 3, 10, 30, 0, 0, time.UTC)) // Tuesday's 09:00 question, 90 minutes late
	tick(time.Date(2026, 3, 4, 23, 0, 0, 0, time.UTC))  // Wednesday night: everything since Tuesday's reveal is past grace

	reg.ObserveAck("fake", 40*time.Millisecond)
	reg.APIError("slack", "chat.postMessage", "channel_not_found")

	out := scrape(t, reg.Handler())
	for _, want := range []string{
		`pyqbot_questions_posted_total{kind="output",platform="fake"} 2`,
		`pyqbot_questions_posted_total{kind="design",platform="fake"} 0`,
		`pyqbot_answers_recorded_total{kind="output",platform="fake"} 2`,
		`pyqbot_slots_claimed_total{job="question"} 2`,
		`pyqbot_slots_claimed_total{job="reveal"} 1`,
		`pyqbot_slots_posted_late_total{job="question"} 1`,
		`pyqbot_slots_posted_late_total{job="reveal"} 0`,
		`pyqbot_slots_skipped_total{job="question"} 1`, // Wednesday 09:00
		`pyqbot_slots_skipped_total{job="debug"} 1`,    // Wednesday 10:00
		`pyqbot_slots_skipped_total{job="reveal"} 2`,   // Tuesday and Wednesday 17:00
		`pyqbot_open_questions 1`,                      // Tuesday's, never revealed
		`pyqbot_ack_latency_seconds_bucket{platform="fake",le="0.05"} 1`,
		`pyqbot_ack_latency_seconds_count{platform="fake"} 1`,
		`pyqbot_platform_api_errors_total{code="channel_not_found",method="chat.postMessage",platform="slack"} 1`,
		`pyqbot_build_info{version="test"} 1`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, name := range []string{metrics.QuestionsPosted, metrics.AnswersRecorded, metrics.AckLatency, metrics.APIErrors,
		metrics.SlotsClaimed, metrics.SlotsLate, metrics.SlotsSkipped, metrics.OpenQuestions, "go_goroutines", "process_cpu_seconds_total"} {
		if !regexp.MustCompile(`(?m)^# TYPE ` + name + ` `).MatchString(out) {
			t.Errorf("/metrics has no TYPE line for %s", name)
		}
	}
	if t.Failed() {
		t.Logf("scraped:\n%s", out)
	}
}

// TestOpenQuestionsWhenTheStoreIsClosed: the other metrics are still served; the gauge is left out.
func TestOpenQuestionsWhenTheStoreIsClosed(t *testing.T) {
	store, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	reg := metrics.New(metrics.Options{OpenQuestions: store.OpenPostCount})
	out := scrape(t, reg.Handler())
	if strings.Contains(out, "\npyqbot_open_questions ") || !strings.Contains(out, "pyqbot_slots_claimed_total") {
		t.Errorf("scrape with a closed store:\n%s", out)
	}
}

// dmAdapter also reaches users privately; users in blocked are refused as unreachable.
type dmAdapter struct {
	fakeAdapter
	blocked map[string]bool
}

func (a *dmAdapter) SendDirect(_ context.Context, _ bot.Conversation, user string, _ bot.Post) error {
	if a.blocked[user] {
		return &bot.Unreachable{Fix: "blocks DMs", Err: fmt.Errorf("403 50007")}
	}
	return nil
}

// TestReminderMetrics: reminders the scheduler sends are counted by outcome.
func TestReminderMetrics(t *testing.T) {
	ctx := context.Background()
	store, err := storage.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	bank, err := bot.NewBank([]bot.Question{{ID: "q1", Kind: bot.KindOutput, Topic: "closures", Difficulty: bot.Warmup,
		Title: "Q", Prompt: "?", Code: "print(1)", Choices: []bot.Choice{{Key: "A", Text: "1"}, {Key: "B", Text: "2"}},
		Answer: []string{"A"}, Explanation: "1", Source: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	reg := metrics.New(metrics.Options{Version: "test", Platforms: []string{"fake"}})
	clk := testkit.NewFakeClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) // a Monday
	eng := bot.New(bot.Config{Store: store, Bank: bank, Now: clk.Now, Seed: 1, ParseSpec: schedule.Parse, Metrics: reg})
	eng.AddAdapter(&dmAdapter{blocked: map[string]bool{"cy": true}})
	conv := bot.Conversation{Platform: "fake", Workspace: "w1", Channel: "c1"}
	if _, err := eng.EnsureChannel(ctx, conv); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"ann", "ben", "cy"} {
		if r := eng.Handle(ctx, bot.Event{Conv: conv, User: bot.User{ID: u, Name: u}, Text: "remind on"}); !strings.Contains(r.Post.Text, "Reminders are on") {
			t.Fatalf("%s: %q", u, r.Post.Text)
		}
	}
	for _, at := range []time.Time{time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC)} {
		clk.Set(at)
		if err := eng.Tick(ctx, at); err != nil {
			t.Fatalf("tick at %s: %v", at, err)
		}
	}
	out := scrape(t, reg.Handler())
	for _, want := range []string{
		`pyqbot_reminders_total{outcome="sent",platform="fake"} 2`,
		`pyqbot_reminders_total{outcome="unreachable",platform="fake"} 1`,
		`pyqbot_reminders_total{outcome="failed",platform="fake"} 0`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
