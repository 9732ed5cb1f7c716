package bot_test

import (
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

func TestAccuracyBar(t *testing.T) {
	tests := []struct {
		correct, answered int
		want              string
	}{
		{2, 3, "▓▓▓▓░░ 67%"},
		{0, 4, "░░░░░░ 0%"},
		{5, 5, "▓▓▓▓▓▓ 100%"},
		{1, 12, "▓░░░░░ 8%"}, // 0.5 of a cell rounds up
		{1, 13, "░░░░░░ 8%"},
		{0, 0, "░░░░░░"},
	}
	for _, tt := range tests {
		if got := bot.AccuracyBar(tt.correct, tt.answered); got != tt.want {
			t.Errorf("AccuracyBar(%d, %d) = %q, want %q", tt.correct, tt.answered, got, tt.want)
		}
	}
}

func TestProgressGrid(t *testing.T) {
	day := func(d string, answered, graded, right, scored int) bot.DayResult {
		return bot.DayResult{Day: d, Answered: answered, Graded: graded, Right: right, Scored: scored}
	}
	tests := []struct {
		name  string
		days  []bot.DayResult
		today string
		want  []string // the lines after the legend and the weekday heads; nil: no grid at all
		early bool     // some question days in the grid come before the first answer
	}{
		{name: "nothing in eight weeks", days: []bot.DayResult{day("2026-01-05", 1, 1, 1, 1)}, today: "2026-11-25"},
		{name: "each mark", today: "2026-11-25", // a Wednesday
			days: []bot.DayResult{
				day("2026-11-24", 1, 1, 1, 1), // right
				day("2026-11-23", 1, 1, 0, 1), // partly right review
				day("2026-11-20", 2, 2, 1, 1), // one of two right
				day("2026-11-19", 1, 1, 0, 0), // wrong
				day("2026-11-18", 0, 0, 0, 0), // missed
				day("2026-11-16", 2, 1, 1, 1), // one still waiting for its reveal
			},
			want: []string{"5 Oct", "12 Oct", "19 Oct", "26 Oct", "2 Nov", "9 Nov", "16 Nov + _ . x +", "23 Nov + #"}},
		{name: "a weekend question adds the weekend columns", today: "2026-11-25",
			// 28 Sep, before the grid's weeks, was answered, so 5 Oct is a miss.
			days: []bot.DayResult{day("2026-11-22", 1, 1, 1, 1), day("2026-10-05", 0, 0, 0, 0), day("2026-09-28", 1, 1, 1, 1)},
			want: []string{"5 Oct  .", "12 Oct", "19 Oct", "26 Oct", "2 Nov", "9 Nov", "16 Nov _ _ _ _ _ _ #", "23 Nov"}},
		{name: "days before the first answer are not missed", today: "2026-11-25",
			days: []bot.DayResult{day("2026-11-20", 0, 0, 0, 0), day("2026-11-18", 1, 1, 1, 1), day("2026-11-17", 0, 0, 0, 0),
				day("2026-11-16", 0, 0, 0, 0), day("2026-10-05", 0, 0, 0, 0)},
			want:  []string{"5 Oct", "12 Oct", "19 Oct", "26 Oct", "2 Nov", "9 Nov", "16 Nov _ _ # _ .", "23 Nov"},
			early: true},
		{name: "no team answer ever: no grid", today: "2026-11-25",
			days: []bot.DayResult{day("2026-11-24", 0, 0, 0, 0), day("2026-11-23", 0, 0, 0, 0)}},
		{name: "older days and a bad date are left out", today: "2026-11-25",
			days: []bot.DayResult{day("2026-11-25x", 1, 1, 1, 1), day("2026-10-04", 1, 1, 1, 1), day("2026-11-02", 1, 1, 1, 1)},
			want: []string{"5 Oct", "12 Oct", "19 Oct", "26 Oct", "2 Nov  #", "9 Nov", "16 Nov", "23 Nov"}},
	}
	marks := bot.TextMarks
	marks.None = "_" // visible, so the test sees the gaps
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bot.ProgressGrid(tt.days, tt.today, marks)
			if tt.want == nil {
				if got != "" {
					t.Errorf("grid = %q, want none", got)
				}
				return
			}
			lines := strings.Split(got, "\n")
			// A blank before the first answer is not "no question": the legend says so when the
			// grid has one.
			legend := "_ no question):"
			if tt.early {
				legend = "_ no question or before your first answer):"
			}
			if !strings.HasPrefix(lines[0], "Last 8 weeks") || !strings.HasSuffix(lines[0], legend) {
				t.Errorf("legend = %q, want it to end %q", lines[0], legend)
			}
			// The weekday heads stand over the marks: as many as the week lines have columns.
			heads := "       M T W T F"
			if strings.Contains(tt.name, "weekend") {
				heads += " S S"
			}
			if len(lines) < 2 || lines[1] != heads {
				t.Fatalf("weekday heads = %q, want %q", lines[1:2], heads)
			}
			for i := range lines[2:] {
				lines[i+2] = strings.TrimRight(lines[i+2], " ")
			}
			if strings.Join(lines[2:], "|") != strings.Join(tt.want, "|") {
				t.Errorf("grid lines:\n%s\nwant:\n%s", strings.Join(lines[2:], "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
