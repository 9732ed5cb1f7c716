package bot

import (
	"fmt"
	"strings"
	"time"
)

// Marks are the symbols a progress grid is drawn with. The core lays the grid out; which symbols
// fit is the platform's call (chat clients draw emoji squares of one width, a terminal may not), so
// an adapter says it through ProgressMarker.
type Marks struct {
	Right, Partial, Wrong, Missed string
	None                          string // a day without a question: not a miss
	Sep                           string // between two days of a week
	// Days head the columns, Monday first, each as wide as a mark; none: no header row.
	Days [7]string
}

var (
	// EmojiMarks suit chat platforms (Slack, Discord). They have no column heads: no letter is
	// drawn as wide as an emoji square in every client, so heads would stand askew over the marks.
	EmojiMarks = Marks{Right: "🟩", Partial: "🟨", Wrong: "🟥", Missed: "⬜", None: "▫️"}
	// TextMarks suit any terminal; they are the default.
	TextMarks = Marks{Right: "#", Partial: "+", Wrong: "x", Missed: ".", None: " ", Sep: " ",
		Days: [7]string{"M", "T", "W", "T", "F", "S", "S"}}
)

// ProgressMarker is an adapter that draws progress grids with marks of its own. The engine asks
// the adapter of the platform a command came from; one without it gets TextMarks.
type ProgressMarker interface {
	ProgressMarks() Marks
}

// GridWeeks is how many weeks of question days `/pyq me` draws.
const GridWeeks = 8

// marksFor is the marks of the platform's adapter.
func (e *Engine) marksFor(platform string) Marks {
	if a, err := e.adapter(platform); err == nil {
		if m, ok := a.(ProgressMarker); ok {
			return m.ProgressMarks()
		}
	}
	return TextMarks
}

// dayMark is the mark of one question day: right when every graded answer was right, wrong when
// none earned a point, partial in between (a review question partly right, or one of two questions
// that day right); missed without an answer. An answer still waiting for its reveal (a debugging
// challenge open on the day of a revealed question) counts as partial until it is graded; one to a
// question withdrawn from the bank (withdrawn.go) is never judged, so it stays partial.
func dayMark(d DayResult, m Marks) string {
	switch {
	case d.Answered == 0:
		return m.Missed
	case d.Graded < d.Answered:
		return m.Partial
	case d.Right == d.Graded:
		return m.Right
	case d.Scored == 0:
		return m.Wrong
	default:
		return m.Partial
	}
}

// ProgressGrid draws the GridWeeks weeks up to today (a local date, YYYY-MM-DD), under a row of
// weekday heads (when m has them), one line per week from its Monday, oldest first; "" when none of them had a
// question since the user's first answer. A question day before the first answer (days reach back
// MaxStreakDays, newest first) is no miss: they had not joined yet. Weekend columns appear
// only when a weekend had a question, so a weekday team sees a five-day week.
func ProgressGrid(days []DayResult, today string, m Marks) string {
	end, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return ""
	}
	first := "" // the user's first answered question day; days are YYYY-MM-DD, so they sort as text
	for _, d := range days {
		if _, err := time.Parse(time.DateOnly, d.Day); err == nil && d.Answered > 0 && (first == "" || d.Day < first) {
			first = d.Day
		}
	}
	monday := end.AddDate(0, 0, -((int(end.Weekday())+6)%7)-7*(GridWeeks-1))
	byDay := make(map[string]DayResult, len(days))
	weekend, early := false, false
	for _, d := range days {
		t, err := time.Parse(time.DateOnly, d.Day)
		if err != nil || t.Before(monday) || t.After(end) || first == "" {
			continue
		}
		if d.Day < first {
			early = true // a question day drawn blank: the legend must not call it "no question"
			continue
		}
		byDay[d.Day] = d
		weekend = weekend || t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
	}
	if len(byDay) == 0 {
		return ""
	}
	width := 5
	if weekend {
		width = 7
	}
	var b strings.Builder
	none := " no question"
	if early {
		none += " or before your first answer"
	}
	if strings.TrimSpace(m.None) == "" {
		none = "blank =" + none
	} else {
		none = m.None + none
	}
	fmt.Fprintf(&b, "Last %d weeks, a line a week from Monday (%s right · %s partial · %s wrong · %s missed · %s):",
		GridWeeks, m.Right, m.Partial, m.Wrong, m.Missed, none)
	if m.Days[0] != "" {
		b.WriteString("\n" + strings.TrimRight(fmt.Sprintf("%-6s %s", "", strings.Join(m.Days[:width], m.Sep)), " "))
	}
	for w := 0; w < GridWeeks; w++ {
		start := monday.AddDate(0, 0, 7*w)
		cells := make([]string, 0, width)
		for i := 0; i < width; i++ {
			t := start.AddDate(0, 0, i)
			if t.After(end) {
				break
			}
			if d, ok := byDay[t.Format(time.DateOnly)]; ok {
				cells = append(cells, dayMark(d, m))
			} else {
				cells = append(cells, m.None)
			}
		}
		for len(cells) > 0 && cells[len(cells)-1] == m.None {
			cells = cells[:len(cells)-1] // nothing to see after the week's last question, or today's still open
		}
		b.WriteString("\n" + strings.TrimRight(fmt.Sprintf("%-6s %s", start.Format("2 Jan"), strings.Join(cells, m.Sep)), " "))
	}
	return b.String()
}

// barWidth is how many cells an accuracy bar has: ▓▓▓▓░░ is 67%.
const barWidth = 6

// AccuracyBar draws correct of answered as a bar with its percentage, e.g. "▓▓▓▓░░ 67%".
func AccuracyBar(correct, answered int) string {
	if answered == 0 {
		return strings.Repeat("░", barWidth)
	}
	full := (correct*2*barWidth + answered) / (2 * answered) // rounded to the nearest cell
	return fmt.Sprintf("%s%s %d%%", strings.Repeat("▓", full), strings.Repeat("░", barWidth-full), (correct*200+answered)/(2*answered))
}
