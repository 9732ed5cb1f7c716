package storage

import (
	"errors"
	"reflect"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// AnswerTarget reads what EnsureChannel and Post read, in one query, and finds nothing for a post
// of another channel, an unknown post or an unknown channel.
func TestAnswerTarget(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		other := f.channel("T1", "C2")
		if err := f.db.SetChannelFilter(f.ctx, ch.ID, bot.Filter{Topics: []string{"closures"}, Kinds: []bot.Kind{bot.KindOutput}}); err != nil {
			t.Fatal(err)
		}
		if err := f.db.SetChannelZone(f.ctx, ch.ID, "Europe/Berlin", f.db.Now()); err != nil {
			t.Fatal(err)
		}
		p := f.post(ch, 0, bot.KindOutput, "closures")
		elsewhere := f.post(other, 0, bot.KindOutput, "closures")
		wantCh := f.channel("T1", "C1")
		wantPost, err := f.db.Post(f.ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		gotCh, gotPost, err := f.db.AnswerTarget(f.ctx, ch.Conv, p.ID)
		if err != nil || !reflect.DeepEqual(gotCh, wantCh) || !reflect.DeepEqual(gotPost, wantPost) {
			t.Errorf("AnswerTarget = %+v, %+v, %v; want %+v, %+v", gotCh, gotPost, err, wantCh, wantPost)
		}
		for _, tt := range []struct {
			name string
			conv bot.Conversation
			post int64
		}{
			{"a post of another channel", ch.Conv, elsewhere.ID},
			{"an unknown post", ch.Conv, 4242},
			{"an unknown channel", bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C9"}, p.ID},
			{"another workspace", bot.Conversation{Platform: "slack", Workspace: "T2", Channel: "C1"}, p.ID},
		} {
			if _, _, err := f.db.AnswerTarget(f.ctx, tt.conv, tt.post); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("%s: AnswerTarget error %v, want ErrNotFound", tt.name, err)
			}
		}
	})
}
