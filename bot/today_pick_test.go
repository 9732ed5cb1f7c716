package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// todayBank is one output question and five debugging challenges: a pick that may take a debug
// question takes one most of the time, and always once the output question has been seen.
func todayBank(outputs bool) []bot.Question {
	var qs []bot.Question
	if outputs {
		qs = append(qs, testQuestions()[0])
	}
	for i := 1; i <= 5; i++ {
		q := withdrawnDebug()
		q.ID, q.Title = fmt.Sprintf("dbg-%d", i), fmt.Sprintf("Debug %d", i)
		qs = append(qs, q)
	}
	return qs
}

// TestTodayLeavesDebugToTheDebugJob: while the channel's debug job is on, `/pyq today` picks as the
// scheduled question job does and never posts a debug question, on several seeds and also when the
// only other question was already seen (an unseen one would otherwise be preferred); with the job
// off it may; with nothing but debug questions it says why it posts nothing.
func TestTodayLeavesDebugToTheDebugJob(t *testing.T) {
	never := "0 16 1 1 *" // the jobs exist, and never run during the test
	for _, tt := range []struct {
		name      string
		debugOn   bool
		outputs   bool
		filter    string // an admin's `/pyq filter …` first, if any
		wantKinds []bot.Kind
		wantReply string // when nothing is posted
	}{
		{name: "debug job on", debugOn: true, outputs: true, wantKinds: []bot.Kind{bot.KindOutput, bot.KindOutput}},
		{name: "debug job off", debugOn: false, outputs: false, wantKinds: []bot.Kind{bot.KindDebug, bot.KindDebug}},
		{name: "debug job on, the channel asks for debug only", debugOn: true, outputs: true, filter: "filter kinds debug",
			wantKinds: []bot.Kind{bot.KindDebug, bot.KindDebug}},
		{name: "debug job on, only debug questions", debugOn: true, outputs: false,
			wantReply: "Debug questions are kept for the channel's debugging challenges"},
	} {
		for seed := uint64(1); seed <= 12; seed++ {
			t.Run(fmt.Sprintf("%s/seed %d", tt.name, seed), func(t *testing.T) {
				h := newKitHarness(t, testkit.Options{Questions: todayBank(tt.outputs), Seed: seed, Schedules: []bot.Schedule{
					{Job: bot.JobQuestion, Spec: never, Enabled: true},
					{Job: bot.JobDebug, Spec: never, Enabled: tt.debugOn, HintOffsets: []time.Duration{2 * time.Hour}},
					{Job: bot.JobReveal, Spec: never, Enabled: true},
				}})
				if tt.filter != "" {
					mustContain(t, h.as("lead", true, tt.filter).Post.Text, "debug")
				}
				if tt.wantReply != "" {
					r := h.as("lead", true, "today")
					mustContain(t, r.Post.Text, "No question in the bank matches", tt.wantReply)
					if n := h.count(); n != 0 {
						t.Errorf("today posted %d messages, want none", n)
					}
					return
				}
				for day, want := range tt.wantKinds {
					before := h.count()
					if r := h.as("lead", true, "today"); !r.Empty() {
						t.Fatalf("day %d: today replied %q", day+1, bot.PlainText(r.Post))
					}
					if h.count() != before+1 {
						t.Fatalf("day %d: today sent %d messages, want 1", day+1, h.count()-before)
					}
					// The footer names the kind: "#1 · closures · output · warmup · …".
					if footer := h.last().Post.Footer; !strings.Contains(footer, " · "+string(want)+" · ") {
						t.Errorf("day %d: today posted %q, want a %s question", day+1, footer, want)
					}
					h.as("lead", true, "reveal")
					h.clock.Advance(24 * time.Hour)
				}
			})
		}
	}
}
