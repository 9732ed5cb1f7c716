package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/storage"
)

// refusingStore fails the writes the test names with err, as the store does on a full disk or a
// vanished file (storage.Fault matches bot.ErrStoreUnavailable).
type refusingStore struct {
	bot.Store
	err error
}

func (s *refusingStore) RecordAnswer(ctx context.Context, a bot.Answer) (bot.Answer, error) {
	if s.err != nil {
		return bot.Answer{}, s.err
	}
	return s.Store.RecordAnswer(ctx, a)
}

func (s *refusingStore) CreatePost(ctx context.Context, p bot.PostedQuestion) (bot.PostedQuestion, error) {
	if s.err != nil {
		return bot.PostedQuestion{}, s.err
	}
	return s.Store.CreatePost(ctx, p)
}

// A write the store cannot take is "not recorded, try again later", not "Something went wrong …
// nothing was changed"; any other failure keeps the internal-error text.
func TestRefusedWritesAreNotRecorded(t *testing.T) {
	store := &refusingStore{}
	h := newKitHarness(t, testkit.Options{Questions: testQuestions()[:1],
		WrapStore: func(db bot.Store) bot.Store { store.Store = db; return store }})
	say := h.settled
	full := fmt.Errorf("record answer: %w", &storage.Fault{Kind: storage.FaultFull, Path: "/data/pyqbot.db", Err: errors.New("database or disk is full (13)")})
	for _, tt := range []struct {
		name, user, text string
		err              error
		want             string
	}{
		{"a post on a full disk", "U1", "today", full, "The bot cannot save anything right now (a storage problem, reported to the bot's admin), so that did not happen. Please try again later."},
		{"the post when it fits", "U1", "today", nil, ""},
		{"an answer on a full disk", "U1", "answer C", full, "Your answer was not recorded: the bot cannot save anything right now (a storage problem, reported to the bot's admin). Please try again later."},
		{"another failure", "U1", "answer C", errors.New("constraint failed"), "Something went wrong on our side"},
		{"the answer when it fits", "U1", "answer C", nil, "Recorded your answer C"},
	} {
		store.err = tt.err
		got := say(tt.user, tt.text)
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: reply %q, want it to start %q", tt.name, got, tt.want)
		}
		if tt.err != nil && strings.Contains(got, "/data/pyqbot.db") {
			t.Errorf("%s: the reply names the path: %q", tt.name, got)
		}
	}
}
