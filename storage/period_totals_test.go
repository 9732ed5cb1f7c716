package storage

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// Migration 0014 computes bucket starts in SQL (each dialect its own way for months), grading in
// Go. Answers graded through the Store over three months, at hours either side of midnight UTC and
// of a month's and a week's first day, leave the same period_totals as the migration's own SQL run
// again on them.
func TestPeriodTotalsMigrationAgreesWithGrading(t *testing.T) {
	forEachFixture(t, func(t *testing.T, f *fixture) {
		ch := f.channel("T1", "C1")
		for d := range 75 {
			kind := bot.KindOutput
			if d%4 == 0 {
				kind = bot.KindDesign // no right answer: graded, not judged
			}
			p := f.post(ch, d, kind, "closures")
			for u := range 4 {
				at := t0.AddDate(0, 0, d).Add(time.Duration(u*5-9) * time.Hour) // 00:00 to 15:00 UTC
				a := bot.Answer{PostID: p.ID, User: bot.User{ID: fmt.Sprintf("U%d", u), Name: "n"}, AnsweredAt: at}
				if kind == bot.KindDesign {
					a.Text = "because"
				} else {
					a.Keys = []string{string(rune('A' + (u+d)%2))}
				}
				if _, err := f.db.RecordAnswer(f.ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			f.close(p, func(a bot.Answer, _ int) bot.Grade {
				if len(a.Keys) == 0 {
					return bot.Grade{Unjudged: true, Points: 3}
				}
				return bot.Grade{Correct: a.Keys[0] == "A", Points: 10 * b2i(a.Keys[0] == "A")}
			})
		}
		graded := dumpTotals(t, f.db)

		ms, err := migrationsFor(f.db.dialect)
		if err != nil {
			t.Fatal(err)
		}
		var m migration
		for _, x := range ms {
			if x.version == 14 {
				m = x
			}
		}
		if m.sql == "" {
			t.Fatal("no migration 14 for this dialect")
		}
		if _, err := f.db.db.ExecContext(f.ctx, `DROP TABLE period_totals`); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.db.ExecContext(f.ctx, m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if migrated := dumpTotals(t, f.db); !reflect.DeepEqual(graded, migrated) {
			t.Fatalf("%s computes other totals than grading:\ngraded   %v\nmigrated %v", m.name, graded, migrated)
		}
		if weeks, months := f.count(`SELECT COUNT(DISTINCT start_at) FROM period_totals WHERE span = 'week'`),
			f.count(`SELECT COUNT(DISTINCT start_at) FROM period_totals WHERE span = 'month'`); weeks != 11 || months != 3 {
			t.Errorf("75 days from %v fill %d weeks and %d months, want 11 and 3", t0, weeks, months)
		}
	})
}

// bucketsFor reads a zone's week and month from the UTC buckets nearest them, and a range that
// is neither from the answers.
func TestBucketsFor(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name       string
		from, to   string
		span       string // "" when no span fits
		start, end string
		edges      [2]edge
	}{
		{"UTC month", "2026-03-01 00:00:00", "2026-04-01 00:00:00", "month", "2026-03-01 00:00:00", "2026-04-01 00:00:00", [2]edge{}},
		{"New York March (DST starts)", "2026-03-01 05:00:00", "2026-04-01 04:00:00", "month", "2026-03-01 00:00:00", "2026-04-01 00:00:00",
			[2]edge{{utc("2026-03-01 00:00:00"), utc("2026-03-01 05:00:00"), -1}, {utc("2026-04-01 00:00:00"), utc("2026-04-01 04:00:00"), 1}}},
		{"Kiritimati week (+14)", "2026-03-01 10:00:00", "2026-03-08 10:00:00", "week", "2026-03-02 00:00:00", "2026-03-09 00:00:00",
			[2]edge{{utc("2026-03-01 10:00:00"), utc("2026-03-02 00:00:00"), 1}, {utc("2026-03-08 10:00:00"), utc("2026-03-09 00:00:00"), -1}}},
		{"two months", "2026-03-01 00:00:00", "2026-05-01 00:00:00", "month", "2026-03-01 00:00:00", "2026-05-01 00:00:00", [2]edge{}},
		{"a day", "2026-03-02 00:00:00", "2026-03-03 00:00:00", "", "", "", [2]edge{}},
		{"ten days from mid-week", "2026-03-04 00:00:00", "2026-03-14 00:00:00", "", "", "", [2]edge{}},
	}
	for _, c := range cases {
		sp, start, end, edges, ok := bucketsFor(utc(c.from), utc(c.to))
		if !ok {
			if c.span != "" {
				t.Errorf("%s: no span fits, want %s", c.name, c.span)
			}
			continue
		}
		for i := range edges { // an empty edge reads nothing, whichever its sign
			if !edges[i].from.Before(edges[i].to) {
				edges[i] = edge{}
			}
		}
		if sp.name != c.span || !start.Equal(utc(c.start)) || !end.Equal(utc(c.end)) || !reflect.DeepEqual(edges, c.edges) {
			t.Errorf("%s: %s buckets %v..%v edges %v, want %s %s..%s edges %v", c.name, sp.name, start, end, edges, c.span, c.start, c.end, c.edges)
		}
	}
}
