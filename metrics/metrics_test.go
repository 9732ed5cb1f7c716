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
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/metrics"
	"github.com/pyqbot/pyqbot/storage"
)

// conv is the channel the tests play in, on a recorder for the platform "fake".
var conv = bot.Conversation{Platform: "fake", Workspace: "w1", Channel: "c1"}

// newKit is the real engine and scheduler (the default schedules) on a SQLite file, clock on
// Monday 2 March 2026 08:00 UTC, with one question in the bank, reporting to reg and posting
// through a, whose platform is conv's. conv is a team channel already.
func newKit(t *testing.T, reg bot.Metrics, a bot.Adapter) *testkit.Kit {
	t.Helper()
	k := testkit.NewEngine(t, testkit.Options{Metrics: reg, Adapters: []bot.Adapter{a},
		Clock:     testkit.NewFakeClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)),
		Schedules: bot.DefaultSchedules(),
		Questions: []bot.Question{{ID: "q1", Kind: bot.KindOutput, Topic: "closures", Difficulty: bot.Warmup,
			Title: "Q", Prompt: "?", Code: "print(1)", Choices: []bot.Choice{{Key: "A", Text: "1"}, {Key: "B", Text: "2"}},
			Answer: []string{"A"}, Explanation: "1", Source: "test"}}})
	if _, err := k.Engine.EnsureChannel(context.Background(), conv); err != nil { // the default schedules, from 08:00
		t.Fatal(err)
	}
	return k
}

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
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
	var k *testkit.Kit
	reg := metrics.New(metrics.Options{Version: "test", Platforms: []string{"fake"},
		OpenQuestions: func(ctx context.Context) (int, error) { return k.Store.OpenPostCount(ctx) }}) // scraped once k is set
	k = newKit(t, reg, testkit.NewRecorder(conv.Platform))
	k.Tick(time.Date(2026, 3, 2, 9, 0, 5, 0, time.UTC)) // Monday's question, on time
	for _, u := range []string{"ann", "ben"} {
		r := k.As(conv, u, false, "answer A")
		if !strings.Contains(r.Post.Text, "Recorded") {
			t.Fatalf("%s's answer: %q", u, r.Post.Text)
		}
	}
	k.Tick(time.Date(2026, 3, 2, 17, 0, 5, 0, time.UTC))  // the reveal
	k.Tick(time.Date(2026, 3, 3, 10, 30, 0, 0, time.UTC)) // Tuesday's 09:00 question, 90 minutes late
	k.Tick(time.Date(2026, 3, 4, 23, 0, 0, 0, time.UTC))  // Wednesday night: everything since Tuesday's reveal is past grace

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

// dmAdapter also reaches users privately.
type dmAdapter struct {
	*testkit.Recorder
	testkit.DMRecorder
}

// TestReminderMetrics: reminders the scheduler sends are counted by outcome.
func TestReminderMetrics(t *testing.T) {
	reg := metrics.New(metrics.Options{Version: "test", Platforms: []string{"fake"}})
	dm := &dmAdapter{Recorder: testkit.NewRecorder(conv.Platform)}
	dm.FailDMs(func(user string) error { // cy is refused as unreachable
		if user == "cy" {
			return &bot.Unreachable{Fix: "blocks DMs", Err: fmt.Errorf("403 50007")}
		}
		return nil
	})
	k := newKit(t, reg, dm)
	for _, u := range []string{"ann", "ben", "cy"} {
		if r := k.As(conv, u, false, "remind on"); !strings.Contains(r.Post.Text, "Reminders are on") {
			t.Fatalf("%s: %q", u, r.Post.Text)
		}
	}
	for _, at := range []time.Time{time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC)} {
		k.Tick(at)
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
