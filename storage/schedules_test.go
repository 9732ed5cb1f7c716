package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/storage"
)

func openSched(tb testing.TB, path string) *storage.DB {
	tb.Helper()
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// openSchedChannel opens the store at path with one channel in it.
func openSchedChannel(tb testing.TB, path string) (*storage.DB, bot.Channel) {
	tb.Helper()
	db := openSched(tb, path)
	ch, err := db.EnsureChannel(context.Background(), bot.Conversation{Platform: "p", Workspace: "w", Channel: "c"}, "UTC")
	if err != nil {
		tb.Fatalf("EnsureChannel: %v", err)
	}
	return db, ch
}

// TestClaimSlotOneWinner: many goroutines on two handles of one file claim the same slot at once;
// exactly one owns it, and nobody gets SQLITE_BUSY.
func TestClaimSlotOneWinner(t *testing.T) {
	storage.ForEachBackend(t, func(t *testing.T, be storage.Backend) {
		ctx := context.Background()
		path := be.Target(t)
		first, ch := openSchedChannel(t, path)
		dbs := []*storage.DB{first, openSched(t, path)}
		due := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
		for round := range 5 {
			key := bot.SlotKey{ChannelID: ch.ID, Job: bot.JobQuestion, Slot: due.AddDate(0, 0, round).Format("2006-01-02T15:04") + " UTC"}
			wins := storage.ConcurrentWins(t, 16, func(i int) (bool, error) {
				ok, _, err := dbs[i%2].ClaimSlot(ctx, key, due, "owner", due, 10*time.Minute, 3)
				return ok, err
			})
			if wins != 1 {
				t.Fatalf("round %d: %d claimers won, want 1", round, wins)
			}
		}
	})
}

// TestClaimSlotLease: an unfinished claim is retaken only after the lease, at most maxAttempts
// times in all; finished (posted or skipped) slots never are.
func TestClaimSlotLease(t *testing.T) {
	storage.ForEachBackend(t, func(t *testing.T, be storage.Backend) {
		ctx := context.Background()
		db, ch := openSchedChannel(t, be.Target(t))
		at := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
		lease := 10 * time.Minute
		key := bot.SlotKey{ChannelID: ch.ID, Job: bot.JobQuestion, Slot: "2026-03-04T09:00 UTC"}
		steps := []struct {
			at     time.Duration
			finish bot.SlotState // applied after the claim attempt, when set
			want   bool
		}{
			{0, "", true},                             // first claim
			{9 * time.Minute, "", false},              // within the lease
			{10 * time.Minute, "", true},              // lease over: retaken (attempt 2)
			{15 * time.Minute, bot.SlotFailed, false}, // the retaker's lease runs; it fails
			{21 * time.Minute, "", true},              // failed is retried after the lease (attempt 3)
			{40 * time.Minute, "", false},             // three attempts: no more
		}
		for i, s := range steps {
			ok, claim, err := db.ClaimSlot(ctx, key, at, "p", at.Add(s.at), lease, 3)
			if err != nil {
				t.Fatal(err)
			}
			if ok != s.want {
				t.Fatalf("step %d (+%s): claimed = %v, want %v (claim %+v)", i, s.at, ok, s.want, claim)
			}
			if s.finish != "" {
				if err := db.FinishSlot(ctx, claim, s.finish, "refused"); err != nil {
					t.Fatal(err)
				}
			}
		}
		posted := bot.SlotKey{ChannelID: ch.ID, Job: bot.JobQuestion, Slot: "2026-03-05T09:00 UTC"}
		ok, first, _ := db.ClaimSlot(ctx, posted, at, "a", at, lease, 3)
		if !ok {
			t.Fatal("fresh slot not claimed")
		}
		// a's attempt outlives its lease; b takes the slot over and posts; a's late finish must
		// not overwrite b's outcome.
		ok, second, _ := db.ClaimSlot(ctx, posted, at, "b", at.Add(lease), lease, 3)
		if !ok {
			t.Fatal("slot past its lease not taken over")
		}
		if err := db.FinishSlot(ctx, second, bot.SlotPosted, "b's post"); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishSlot(ctx, first, bot.SlotFailed, "a's late failure"); !errors.Is(err, bot.ErrSlotTakenOver) {
			t.Fatalf("the overtaken attempt's FinishSlot = %v, want ErrSlotTakenOver", err)
		}
		if slots, err := db.Slots(ctx, ch.ID, bot.JobQuestion); err != nil || slots[len(slots)-1].State != bot.SlotPosted || slots[len(slots)-1].Note != "b's post" {
			t.Fatalf("after the late finish the slot is %+v (%v), want b's outcome", slots[len(slots)-1], err)
		}
		if ok, _, _ := db.ClaimSlot(ctx, posted, at, "p", at.Add(time.Hour), lease, 3); ok {
			t.Fatal("a posted slot was claimed again")
		}
		if ok, _ := db.SkipSlot(ctx, posted, at, "late", at); ok {
			t.Fatal("SkipSlot recorded a slot that was already posted")
		}
	})
}

// TestSchedulesSeedAndSet: defaults are added once per channel and job; a job switched off stays off.
func TestSchedulesSeedAndSet(t *testing.T) {
	storage.ForEachBackend(t, func(t *testing.T, be storage.Backend) {
		ctx := context.Background()
		db, ch := openSchedChannel(t, be.Target(t))
		at := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
		if err := db.SeedSchedules(ctx, 0, bot.DefaultSchedules(), at); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSchedule(ctx, bot.Schedule{ChannelID: ch.ID, Job: bot.JobDebug, Spec: "0 10 * * 3", Enabled: false,
			HintOffsets: []time.Duration{90 * time.Minute}, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
		if err := db.SeedSchedules(ctx, ch.ID, bot.DefaultSchedules(), at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err := db.Schedules(ctx, ch.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 {
			t.Fatalf("got %d schedules, want 4: %+v", len(got), got)
		}
		// The store lists a channel's jobs by name; the order users see is the core's.
		for i, job := range []bot.Job{bot.JobDebug, bot.JobLeaderboard, bot.JobQuestion, bot.JobReveal} {
			if got[i].Job != job {
				t.Errorf("schedule %d is %s, want %s (by name)", i, got[i].Job, job)
			}
		}
		bot.SortSchedules(got)
		for i, job := range bot.Jobs {
			if got[i].Job != job {
				t.Errorf("sorted, schedule %d is %s, want %s (job order)", i, got[i].Job, job)
			}
		}
		if d := got[1]; d.Enabled || len(d.HintOffsets) != 1 || d.HintOffsets[0] != 90*time.Minute {
			t.Errorf("debug = %+v, want off with one hint at 1h30m", d)
		}
		if q := got[0]; !q.UpdatedAt.Equal(at) || q.Spec != "0 9 * * 1-5" || !q.Enabled {
			t.Errorf("question = %+v, want the default from the first seeding", q)
		}
	})
}
