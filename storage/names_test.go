package storage

import (
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// A provisional name (Slack's handle, sent before users.info was asked) names a new user but never
// replaces a display name; RenameUser stores the display name learnt afterwards.
func TestProvisionalNamesAndRenameUser(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		p1 := f.post(ch, 0, bot.KindOutput, "closures")
		p2 := f.post(ch, 1, bot.KindOutput, "closures")
		name := func() string {
			t.Helper()
			got := f.answers(p1.ID)
			if len(got) != 1 {
				t.Fatalf("answers = %+v", got)
			}
			return got[0].User.Name
		}
		if _, err := f.db.RecordAnswer(f.ctx, bot.Answer{PostID: p1.ID, User: bot.User{ID: "U1", Name: "ann", Provisional: true}, Keys: []string{"A"}, AnsweredAt: t0}); err != nil {
			t.Fatal(err)
		}
		if got := name(); got != "ann" {
			t.Errorf("new user's name = %q, want the provisional handle", got)
		}
		conv := ch.Conv
		for _, tt := range []struct {
			conv    bot.Conversation
			name    string
			changed bool
			want    string
		}{
			{conv, "Ann Lee", true, "Ann Lee"},
			{conv, "Ann Lee", false, "Ann Lee"}, // unchanged: no write
			{bot.Conversation{Platform: "slack", Workspace: "T2"}, "Somebody else", false, "Ann Lee"},
			{bot.Conversation{Platform: "discord", Workspace: "T1"}, "Somebody else", false, "Ann Lee"},
		} {
			changed, err := f.db.RenameUser(f.ctx, tt.conv, bot.User{ID: "U1", Name: tt.name})
			if err != nil || changed != tt.changed || name() != tt.want {
				t.Errorf("RenameUser(%v, %q) = %v, %v; name %q, want %v and %q", tt.conv, tt.name, changed, err, name(), tt.changed, tt.want)
			}
		}
		// After a restart the adapter knows only the handle again: the display name stays.
		if _, err := f.db.RecordAnswer(f.ctx, bot.Answer{PostID: p2.ID, User: bot.User{ID: "U1", Name: "ann", Provisional: true}, Keys: []string{"A"}, AnsweredAt: t0}); err != nil {
			t.Fatal(err)
		}
		if got := name(); got != "Ann Lee" {
			t.Errorf("name after a provisional answer = %q, want Ann Lee kept", got)
		}
		if changed, err := f.db.RenameUser(f.ctx, conv, bot.User{ID: "U9", Name: "Nobody"}); changed || err != nil {
			t.Errorf("renaming an unknown user = %v, %v; want nothing done", changed, err)
		}
		if f.db.dialect == sqliteDialect {
			// A rename with nothing to change only reads: it does not wait for the write lock
			// (held here as a batch of answers would hold it).
			f.db.writeMu.Lock()
			done := make(chan error, 1)
			go func() {
				_, err := f.db.RenameUser(f.ctx, conv, bot.User{ID: "U1", Name: "Ann Lee"})
				done <- err
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("unchanged RenameUser: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("an unchanged RenameUser waited for the write lock")
			}
			f.db.writeMu.Unlock()
		}
	})
}
