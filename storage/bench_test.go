package storage

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// Size of the leaderboard fixture: a team of benchUsers answering ~90% of benchDays daily
// questions, about 500,000 graded answers.
const (
	benchUsers = 1000
	benchDays  = 556
)

var benchStart = time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC) // a Monday

// benchSkips reports whether user u skipped question day d: one day in ten, never twice in a week.
func benchSkips(u, d int) bool { return (u*31+d*17)%10 == 0 }

// buildLeaderboardFixture fills db with benchUsers users, one closed question per day for
// benchDays days and their graded answers. It writes rows directly in one transaction with
// prepared statements; the channel and workspace come from EnsureChannel.
func buildLeaderboardFixture(b *testing.B, db *DB) (bot.Channel, int) {
	b.Helper()
	ctx := context.Background()
	ch, err := db.EnsureChannel(ctx, bot.Conversation{Platform: "slack", Workspace: "TBENCH", Channel: "CBENCH"}, "UTC")
	if err != nil {
		b.Fatalf("EnsureChannel: %v", err)
	}
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	prep := func(q string) func(args ...any) {
		if db.dialect == postgresDialect {
			q = rebind(q)
		}
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			b.Fatalf("prepare %s: %v", q, err)
		}
		b.Cleanup(func() { st.Close() })
		return func(args ...any) {
			if _, err := st.ExecContext(ctx, args...); err != nil {
				b.Fatalf("%s: %v", q, err)
			}
		}
	}
	insUser := prep(`INSERT INTO users (id, workspace_id, external_id, name, created_at) VALUES (?, ?, ?, ?, ?)`)
	insPost := prep(`INSERT INTO posts (id, channel_id, workspace_id, question_id, kind, topic, posted_at, day, reveal_at,
		ref_channel, ref_id, closed_at) VALUES (?, ?, ?, ?, 'output', ?, ?, ?, ?, 'CBENCH', ?, ?)`)
	insAnswer := prep(`INSERT INTO answers (post_id, workspace_id, user_id, keys, text, answered_at, graded, correct, points)
		VALUES (?, ?, ?, 'A', '', ?, 1, ?, ?)`)

	created := millis(benchStart.AddDate(0, 0, -1))
	for u := 1; u <= benchUsers; u++ {
		insUser(u, ch.WorkspaceID, fmt.Sprintf("U%05d", u), fmt.Sprintf("User %04d", u), created)
	}
	topics := []string{"closures", "generators", "exceptions", "concurrency", "descriptors"}
	const window = 8 * time.Hour
	n := 0
	for d := range benchDays {
		posted := benchStart.AddDate(0, 0, d)
		postID := d + 1
		insPost(postID, ch.ID, ch.WorkspaceID, fmt.Sprintf("q%03d", d), topics[d%len(topics)], millis(posted),
			posted.Format(time.DateOnly), millis(posted.Add(window)), fmt.Sprint(postID), millis(posted.Add(window)))
		for u := 1; u <= benchUsers; u++ {
			if benchSkips(u, d) {
				continue
			}
			at := posted.Add(time.Duration((u*7919+d*104729)%int(window/time.Second)) * time.Second)
			correct := (u+d)%3 != 0
			points := 0
			if correct {
				points = 10 + (u+d)%6
			}
			insAnswer(postID, ch.WorkspaceID, u, millis(at), b2i(correct), points)
			n++
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return ch, n
}

// BenchmarkLeaderboard times DB.Leaderboard for the last week, month and all time of a year and a
// half of daily questions answered by a team of 1,000 (week and month also in a zone that is not
// UTC). All time reads user_totals and a week or month period_totals ("totals"); "answers" is the
// sum over the graded answers they replaced, timed in the same run. The fixture is built once,
// outside the timing. It runs on each backend the store suite has (PostgreSQL with
// PYQBOT_TEST_POSTGRES_URL set).
func BenchmarkLeaderboard(b *testing.B) {
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) { benchmarkLeaderboard(b, be) })
	}
}

func benchmarkLeaderboard(b *testing.B, be backend) {
	ctx := context.Background()
	db := mustOpen(b, be)
	started := time.Now()
	ch, n := buildLeaderboardFixture(b, db)
	// The fixture writes answers directly, as graded; the totals come from them.
	if err := db.rebuildTotals(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("fixture: %d users, %d days, %d graded answers, built in %v", benchUsers, benchDays, n, time.Since(started).Round(time.Millisecond))

	last := benchStart.AddDate(0, 0, benchDays-1)
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	reads := []struct {
		name string
		read func(ctx context.Context, d *DB, workspaceID int64, from, to time.Time) ([]bot.Standing, error)
	}{{"answers", leaderboardFromAnswers}, {"totals", func(ctx context.Context, d *DB, workspaceID int64, from, to time.Time) ([]bot.Standing, error) {
		return d.Leaderboard(ctx, workspaceID, from, to)
	}}}
	for _, zone := range []*time.Location{time.UTC, newYork} {
		for _, period := range []bot.Period{bot.Week, bot.Month, bot.All} {
			if zone != time.UTC && period == bot.All {
				continue // all time has no zone
			}
			from, to := period.Range(last, zone)
			name := string(period)
			if zone != time.UTC {
				name += "-" + zone.String()
			}
			for _, r := range reads {
				b.Run(name+"/"+r.name, func(b *testing.B) {
					got, err := r.read(ctx, db, ch.WorkspaceID, from, to)
					if err != nil {
						b.Fatalf("Leaderboard: %v", err)
					}
					if len(got) != benchUsers {
						b.Fatalf("Leaderboard for %v..%v has %d users, want %d", from, to, len(got), benchUsers)
					}
					for b.Loop() {
						if _, err := r.read(ctx, db, ch.WorkspaceID, from, to); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// BenchmarkRecordAnswer times RecordAnswer on a real file, one new user per answer.
func BenchmarkRecordAnswer(b *testing.B) {
	ctx := context.Background()
	f := &fixture{tb: b, ctx: ctx, db: mustOpen(b, sqliteBackend)}
	p := f.post(f.channel("T1", "C1"), 0, bot.KindOutput, "closures")
	i := 0
	for b.Loop() {
		i++
		if _, err := f.db.RecordAnswer(ctx, bot.Answer{PostID: p.ID, User: bot.User{ID: fmt.Sprintf("U%d", i), Name: "user"},
			Keys: []string{"A"}, AnsweredAt: t0}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordAnswerBurst is BenchmarkRecordAnswer with 64 answers in flight per CPU, as in a
// burst of button presses: the answers share commits (answer_batch.go), so this times the
// statements an answer runs more than the commit.
func BenchmarkRecordAnswerBurst(b *testing.B) {
	ctx := context.Background()
	f := &fixture{tb: b, ctx: ctx, db: mustOpen(b, sqliteBackend)}
	p := f.post(f.channel("T1", "C1"), 0, bot.KindOutput, "closures")
	var next atomic.Int64
	b.SetParallelism(64)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.db.RecordAnswer(ctx, bot.Answer{PostID: p.ID, User: bot.User{ID: fmt.Sprintf("U%d", next.Add(1)), Name: "user"},
				Keys: []string{"A"}, AnsweredAt: t0}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReminderSubscribers times what a reminder pass reads on the leaderboard fixture with
// every user subscribed: Subscribers with each one's last team channel in one query, against the
// floor it replaced, one LastTeamChannel query per subscriber.
func BenchmarkReminderSubscribers(b *testing.B) {
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			db := mustOpen(b, be)
			ch, _ := buildLeaderboardFixture(b, db)
			for u := 1; u <= benchUsers; u++ {
				if err := db.SetReminder(ctx, ch.WorkspaceID, bot.User{ID: fmt.Sprintf("U%05d", u), Name: fmt.Sprintf("User %04d", u)},
					bot.ReminderSetting{On: true, Lead: time.Hour, UpdatedAt: benchStart}); err != nil {
					b.Fatal(err)
				}
			}
			// TestSubscribersCarryTheirLastTeamChannel checks what they return.
			subs, err := db.Subscribers(ctx)
			if err != nil || len(subs) != benchUsers {
				b.Fatalf("Subscribers: %d, %v; want %d", len(subs), err, benchUsers)
			}
			b.Run("subscribers", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.Subscribers(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("per-subscriber", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.Subscribers(ctx); err != nil {
						b.Fatal(err)
					}
					for _, s := range subs {
						if _, err := db.LastTeamChannel(ctx, s.WorkspaceID, s.UserID); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		})
	}
}
