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

// skipDatesFailing is a store whose skip dates cannot be read.
type skipDatesFailing struct {
	bot.Store
	fail bool
}

func (s *skipDatesFailing) SkipDates(ctx context.Context, channelID int64) ([]string, error) {
	if s.fail {
		return nil, errors.New("disk I/O error")
	}
	return s.Store.SkipDates(ctx, channelID)
}

// A schedule change whose reply cannot be completed is not made: "nothing was changed" must hold.
// Before, the skip dates for the reply's next run were read after the change was committed, so a
// failing read told the admin nothing was changed while the new schedule stood.
func TestScheduleSetThatFailsChangesNothing(t *testing.T) {
	store := &skipDatesFailing{}
	h := newKitHarness(t, testkit.Options{Questions: testQuestions()[:1], Schedules: []bot.Schedule{{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true}},
		WrapStore: func(db bot.Store) bot.Store { store.Store = db; return store }})
	h.as("Lead", true, "schedule") // the channel's schedules exist
	store.fail = true
	if r := h.as("Lead", true, `schedule set question "30 10 * * 1-5"`); !strings.HasPrefix(bot.PlainText(r.Post), "Something went wrong on our side") || !r.Failed {
		t.Fatalf("reply %q (failed %v), want the internal error", bot.PlainText(r.Post), r.Failed)
	}
	store.fail = false
	if list := bot.PlainText(h.as("Ann", false, "schedule").Post); !strings.Contains(list, "0 9 * * *") || strings.Contains(list, "30 10 * * 1-5") {
		t.Errorf("after a failed change the schedule is:\n%s\nwant it unchanged (0 9 * * *)", list)
	}
}
