package storage

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// leaderboardFromAnswers is the leaderboard summed from every graded answer, as it was read before
// the totals table: the reference the totals are checked against, and the benchmark's "before".
func leaderboardFromAnswers(ctx context.Context, d *DB, workspaceID int64, from, to time.Time) ([]bot.Standing, error) {
	// Best-explanation bonuses (migration 0008) count by when their vote closed.
	const columns = `SELECT user_id, SUM(points) AS points, COALESCE(SUM(correct), 0) AS correct, COUNT(correct) AS judged`
	inner := columns + ` FROM answers` + d.dialect.indexedBy("answers_leaderboard") + `
		WHERE workspace_id = ? AND graded = 1 AND answered_at >= ? AND answered_at < ? GROUP BY user_id
		UNION ALL SELECT user_id, points, 0, 0 FROM bonuses WHERE workspace_id = ? AND awarded_at >= ? AND awarded_at < ?`
	args := []any{workspaceID, millis(from), millis(to), workspaceID, millis(from), millis(to)}
	if allTime(from, to) {
		inner = columns + ` FROM answers` + d.dialect.indexedBy("answers_by_user_points") + `
			WHERE workspace_id = ? AND graded = 1 GROUP BY user_id
			UNION ALL SELECT user_id, points, 0, 0 FROM bonuses WHERE workspace_id = ?`
		args = []any{workspaceID, workspaceID}
	}
	return queryAll(ctx, d.db, scanStanding, `SELECT u.external_id, u.name, SUM(s.points), SUM(s.correct), SUM(s.judged)
		FROM (`+inner+`) s
		JOIN users u ON u.id = s.user_id
		GROUP BY u.id, u.external_id, u.name`+d.dialect.standingsOrder("SUM(s.points)", "SUM(s.correct)"), args...)
}

// dumpTotals reads the totals tables in key order.
func dumpTotals(t *testing.T, d *DB) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT 'total', workspace_id, user_id, 0, points, correct, judged FROM user_totals ORDER BY workspace_id, user_id`,
		`SELECT span || ' of', workspace_id, user_id, start_at, points, correct, judged * 1000 + answers FROM period_totals
			ORDER BY workspace_id, span, start_at, user_id`,
	} {
		rows, err := d.db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var kind string
			var ws, user, day, points, correct, judged int64
			if err := rows.Scan(&kind, &ws, &user, &day, &points, &correct, &judged); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s ws%d u%d d%d: %d pts %d/%d", kind, ws, user, day, points, correct, judged))
		}
		rows.Close()
	}
	return out
}

// Totals are kept by the grading transaction. Answers recorded and graded through the Store (right,
// wrong, design, streak bonus; two workspaces; some questions still open) leave totals equal to a
// rebuild from scratch, and every leaderboard equals the sum over the answers, for periods in zones
// with whole-, half- and quarter-hour offsets.
func TestTotalsNeverDriftFromAnswers(t *testing.T) {
	forEachFixture(t, func(t *testing.T, f *fixture) {
		channels := []bot.Channel{f.channel("T1", "C1"), f.channel("T1", "C2"), f.channel("T2", "C1")}
		kinds := []bot.Kind{bot.KindOutput, bot.KindReview, bot.KindDesign, bot.KindDebug}
		// Points depend on the answer and the streak, as real grading does.
		grade := func(a bot.Answer, streak int) bot.Grade {
			switch {
			case len(a.Keys) == 0:
				return bot.Grade{Unjudged: true, Points: 5}
			case a.Keys[0] == "A":
				return bot.Grade{Correct: true, Points: 10 + min(streak-1, 5)}
			}
			return bot.Grade{}
		}
		for d := range 40 {
			for ci, ch := range channels {
				kind := kinds[(d+ci)%len(kinds)]
				p := f.post(ch, d, kind, "closures")
				for u := range 7 {
					if (u+d+ci)%5 == 0 {
						continue // skipped that day
					}
					// Spread over the day, some just before and after midnight UTC.
					at := t0.AddDate(0, 0, d).Add(time.Duration((u*157+d*61)%(24*60)-9*60) * time.Minute)
					user := fmt.Sprintf("U%d", u)
					a := bot.Answer{PostID: p.ID, User: bot.User{ID: user, Name: "Name " + user}, AnsweredAt: at}
					if kind == bot.KindDesign {
						a.Text = "a reasoned answer"
					} else {
						a.Keys = []string{string(rune('A' + (u*d+ci)%3))}
					}
					if _, err := f.db.RecordAnswer(f.ctx, a); err != nil {
						t.Fatal(err)
					}
				}
				if d < 38 { // the last two days stay open: their answers are not graded yet
					graded := f.close(p, grade)
					if d%3 == 0 && len(graded) >= 3 {
						// A vote on three explanations, closed 20 h later (often the next week or
						// month), with the close's bonuses counted in its own period.
						f.vote(p, graded[:3], p.RevealAt, p.RevealAt.Add(20*time.Hour), map[string]int{
							graded[3%len(graded)].User.ID: 1, graded[(4+d)%len(graded)].User.ID: 1 + d%2, "voter": 1})
					}
				}
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM bonuses`); n == 0 {
			t.Fatal("no bonuses were awarded, so the test proves nothing about them")
		}
		kept := dumpTotals(t, f.db)
		if len(kept) == 0 {
			t.Fatal("no totals were kept")
		}
		if err := f.db.rebuildTotals(f.ctx); err != nil {
			t.Fatal(err)
		}
		if rebuilt := dumpTotals(t, f.db); !reflect.DeepEqual(kept, rebuilt) {
			t.Fatalf("totals kept by grading differ from a rebuild:\nkept    %v\nrebuilt %v", kept, rebuilt)
		}

		zones := []string{"UTC", "America/New_York", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "Pacific/Kiritimati"}
		var checked int
		for _, zone := range zones {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err)
			}
			for offset := -1; offset <= 41; offset += 6 {
				now := t0.AddDate(0, 0, offset).Add(5 * time.Hour)
				for _, period := range []bot.Period{bot.Week, bot.Month, bot.All} {
					from, to := period.Range(now, loc)
					if _, _, _, _, ok := bucketsFor(from, to); !ok && period != bot.All {
						t.Errorf("%s %s %v..%v is read from the answers, not period_totals", zone, period, from, to)
					}
					for _, ch := range []bot.Channel{channels[0], channels[2]} {
						want, err := leaderboardFromAnswers(f.ctx, f.db, ch.WorkspaceID, from, to)
						if err != nil {
							t.Fatal(err)
						}
						got, err := f.db.Leaderboard(f.ctx, ch.WorkspaceID, from, to)
						if err != nil {
							t.Fatal(err)
						}
						if !reflect.DeepEqual(got, want) {
							t.Errorf("%s %s %v..%v: totals say\n%+v\nanswers say\n%+v", zone, period, from, to, got, want)
						}
						checked++
					}
				}
			}
		}
		// A range inside one day, and one that ends mid-day, come from the answers alone or in part.
		for _, r := range [][2]time.Time{
			{t0.Add(2 * time.Hour), t0.Add(9 * time.Hour)},
			{t0.Add(-30 * time.Hour), t0.AddDate(0, 0, 3).Add(7*time.Hour + 30*time.Minute)},
		} {
			want, _ := leaderboardFromAnswers(f.ctx, f.db, channels[0].WorkspaceID, r[0], r[1])
			got, err := f.db.Leaderboard(f.ctx, channels[0].WorkspaceID, r[0], r[1])
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%v..%v: totals say %+v (%v), answers say %+v", r[0], r[1], got, err, want)
			}
		}
		t.Logf("%d leaderboards compared, %d totals rows", checked, len(kept))
	})
}
