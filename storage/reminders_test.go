package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// Reminder settings per user within a workspace, the subscribers the scheduler reads, and the
// daily claim that lets one reminder out per user and day.
func TestReminderSettingsAndClaims(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		other := f.channel("T2", "C9")
		if _, err := f.db.Reminder(f.ctx, ch.WorkspaceID, "U1"); !errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("Reminder before any setting: %v, want ErrNotFound", err)
		}
		set := func(ws int64, user string, s bot.ReminderSetting) {
			t.Helper()
			s.UpdatedAt = t0
			if err := f.db.SetReminder(f.ctx, ws, bot.User{ID: user, Name: user}, s); err != nil {
				t.Fatalf("SetReminder(%s): %v", user, err)
			}
		}
		set(ch.WorkspaceID, "U1", bot.ReminderSetting{On: true, Lead: 90 * time.Minute, ChannelID: ch.ID})
		set(ch.WorkspaceID, "U2", bot.ReminderSetting{On: false, Lead: time.Hour, ChannelID: ch.ID})
		set(ch.WorkspaceID, "U3", bot.ReminderSetting{On: true, Lead: time.Hour}) // no channel yet
		set(other.WorkspaceID, "U1", bot.ReminderSetting{On: true, Lead: 2 * time.Hour, ChannelID: other.ID})

		got, err := f.db.Reminder(f.ctx, ch.WorkspaceID, "U1")
		if err != nil || !got.On || got.Lead != 90*time.Minute || got.ChannelID != ch.ID || !got.UpdatedAt.Equal(t0) || !got.UnreachableAt.IsZero() {
			t.Fatalf("Reminder(T1, U1) = %+v, %v", got, err)
		}
		if got, _ := f.db.Reminder(f.ctx, other.WorkspaceID, "U1"); got.Lead != 2*time.Hour {
			t.Errorf("the same user id in another workspace has its own setting; got %+v", got)
		}
		subs, err := f.db.Subscribers(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range subs {
			names = append(names, s.Workspace+"/"+s.UserID)
		}
		if len(subs) != 3 || names[0] != "T1/U1" || names[1] != "T1/U3" || names[2] != "T2/U1" {
			t.Fatalf("Subscribers = %v, want T1/U1 T1/U3 T2/U1 (U2 has them off)", names)
		}
		if subs[0].Channel.ID != ch.ID || subs[0].Channel.Conv.Channel != "C1" || subs[0].Platform != "slack" || subs[1].Channel.ID != 0 {
			t.Errorf("subscriber channels: %+v / %+v", subs[0].Channel, subs[1].Channel)
		}
		// An uninstalled workspace's users get no reminders.
		if _, err := f.db.RemoveInstall(f.ctx, "slack", "T2", t0); err != nil {
			t.Fatal(err)
		}
		if subs, _ := f.db.Subscribers(f.ctx); len(subs) != 2 {
			t.Errorf("after T2 was uninstalled, %d subscribers, want 2", len(subs))
		}

		p := f.post(ch, 0, bot.KindOutput, "closures")
		claim := func(owner string, at time.Time) bool {
			t.Helper()
			ok, err := f.db.ClaimReminder(f.ctx, ch.WorkspaceID, "U1", day(0), p.ID, owner, at, 3)
			if err != nil {
				t.Fatalf("ClaimReminder(%s): %v", owner, err)
			}
			return ok
		}
		finish := func(state bot.ReminderState, note string, at time.Time) {
			t.Helper()
			if err := f.db.FinishReminder(f.ctx, ch.WorkspaceID, "U1", day(0), state, note, at); err != nil {
				t.Fatalf("FinishReminder(%s): %v", state, err)
			}
		}
		if !claim("a", t0) {
			t.Fatal("first claim lost")
		}
		if claim("b", t0.Add(time.Hour)) {
			t.Fatal("a claim in progress was taken over: a crashed send could be doubled")
		}
		finish(bot.ReminderFailed, "500", t0)
		if !claim("b", t0.Add(time.Minute)) {
			t.Fatal("a failed claim could not be retried")
		}
		finish(bot.ReminderFailed, "500", t0)
		if !claim("c", t0.Add(2*time.Minute)) {
			t.Fatal("the third attempt was refused")
		}
		finish(bot.ReminderFailed, "500", t0)
		if claim("d", t0.Add(3*time.Minute)) {
			t.Fatal("a fourth attempt was allowed with maxAttempts 3")
		}
		claims, err := f.db.ReminderClaims(f.ctx, ch.WorkspaceID, "U1")
		if err != nil || len(claims) != 1 || claims[0].Attempts != 3 || claims[0].Owner != "c" || claims[0].State != bot.ReminderFailed || claims[0].PostID != p.ID {
			t.Fatalf("claims = %+v, %v", claims, err)
		}

		// The next day: the platform refuses the user, which marks the setting; a delivery clears it.
		next := day(1)
		if ok, err := f.db.ClaimReminder(f.ctx, ch.WorkspaceID, "U1", next, p.ID, "a", t0.AddDate(0, 0, 1), 3); err != nil || !ok {
			t.Fatalf("claim day 1: %v %v", ok, err)
		}
		at := t0.AddDate(0, 0, 1).Add(7 * time.Hour)
		if err := f.db.FinishReminder(f.ctx, ch.WorkspaceID, "U1", next, bot.ReminderUnreachable, "blocks DMs", at); err != nil {
			t.Fatal(err)
		}
		if ok, _ := f.db.ClaimReminder(f.ctx, ch.WorkspaceID, "U1", next, p.ID, "b", at, 3); ok {
			t.Error("an unreachable day was claimed again")
		}
		if got, _ := f.db.Reminder(f.ctx, ch.WorkspaceID, "U1"); !got.UnreachableAt.Equal(at) || got.UnreachableNote != "blocks DMs" {
			t.Errorf("after an unreachable reminder the setting is %+v", got)
		}
		if err := f.db.FinishReminder(f.ctx, ch.WorkspaceID, "U1", next, bot.ReminderSent, "", at); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.db.Reminder(f.ctx, ch.WorkspaceID, "U1"); !got.UnreachableAt.IsZero() || got.UnreachableNote != "" {
			t.Errorf("after a delivered reminder the setting is %+v, want the mark cleared", got)
		}
		if _, err := f.db.ClaimReminder(f.ctx, ch.WorkspaceID, "nobody", next, p.ID, "a", at, 3); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("claim for an unknown user: %v, want ErrNotFound", err)
		}
	})
}

// Many processes claiming one user's day at once: exactly one wins.
func TestReminderClaimOneWinnerAcrossHandles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		handles := openHandles(t, be, 3)
		f := &fixture{tb: t, ctx: t.Context(), db: handles[0]}
		ch := f.channel("T1", "C1")
		if err := f.db.SetReminder(f.ctx, ch.WorkspaceID, bot.User{ID: "U1", Name: "Ann"}, bot.ReminderSetting{On: true, Lead: time.Hour, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		p := f.post(ch, 0, bot.KindOutput, "closures")
		wins := concurrentWins(t, 12, func(i int) (bool, error) {
			return handles[i%len(handles)].ClaimReminder(t.Context(), ch.WorkspaceID, "U1", day(0), p.ID, "owner", t0, 3)
		})
		if wins != 1 {
			t.Errorf("%d of 12 concurrent claims won, want 1", wins)
		}
	})
}

// Subscribers gives each subscriber the channel of the team question they answered last in their
// workspace, as LastTeamChannel does: the latest answer, a tie on the time going to the later
// answer, each workspace on its own, none for a subscriber who never answered one.
func TestSubscribersCarryTheirLastTeamChannel(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		f := newFixture(t, be)
		ctx := context.Background()
		c1, c2, c9 := f.channel("W1", "C1"), f.channel("W1", "C2"), f.channel("W2", "C9")
		for _, sub := range []struct {
			ws   int64
			user string
		}{{c1.WorkspaceID, "U1"}, {c9.WorkspaceID, "U1"}, {c1.WorkspaceID, "U2"}} {
			if err := f.db.SetReminder(ctx, sub.ws, bot.User{ID: sub.user, Name: sub.user}, bot.ReminderSetting{On: true, Lead: time.Hour, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		userID := func(ws int64, ext string) (id int64) {
			if err := f.db.db.QueryRowContext(ctx, `SELECT id FROM users WHERE workspace_id = ? AND external_id = ?`, ws, ext).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		post := int64(100)
		answer := func(ch bot.Channel, user int64, at time.Time) {
			post++
			if _, err := f.db.db.ExecContext(ctx, `INSERT INTO posts (id, channel_id, workspace_id, question_id, kind, topic, posted_at, day, reveal_at)
				VALUES (?, ?, ?, 'q', 'output', 't', ?, 'd', ?)`, post, ch.ID, ch.WorkspaceID, millis(at), millis(at)); err != nil {
				t.Fatal(err)
			}
			if _, err := f.db.db.ExecContext(ctx, `INSERT INTO answers (id, post_id, workspace_id, user_id, keys, text, answered_at) VALUES (?, ?, ?, ?, 'A', '', ?)`,
				post, post, ch.WorkspaceID, user, millis(at)); err != nil {
				t.Fatal(err)
			}
		}
		u1 := userID(c1.WorkspaceID, "U1")
		answer(c2, u1, t0.Add(time.Hour))
		answer(c1, u1, t0)
		answer(c1, u1, t0.Add(time.Hour)) // the same time as C2's, a later answer: C1
		answer(c9, userID(c9.WorkspaceID, "U1"), t0.Add(2*time.Hour))
		subs, err := f.db.Subscribers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"W1/U1": "C1", "W2/U1": "C9", "W1/U2": ""}
		if len(subs) != len(want) {
			t.Fatalf("%d subscribers, want %d", len(subs), len(want))
		}
		for _, s := range subs {
			key := s.Workspace + "/" + s.UserID
			if got := s.LastTeam.Conv.Channel; got != want[key] || (got != "" && s.LastTeam.Conv.Workspace != s.Workspace) {
				t.Errorf("%s: last team channel %+v, want %q", key, s.LastTeam.Conv, want[key])
			}
			last, err := f.db.LastTeamChannel(ctx, s.WorkspaceID, s.UserID)
			if want[key] == "" {
				if !errors.Is(err, bot.ErrNotFound) {
					t.Errorf("%s: LastTeamChannel = %+v, %v; want ErrNotFound", key, last, err)
				}
			} else if err != nil || last.ID != s.LastTeam.ID {
				t.Errorf("%s: LastTeamChannel = %+v, %v; Subscribers says %+v", key, last, err, s.LastTeam)
			}
		}
	})
}
