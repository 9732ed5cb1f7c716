package bot_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// Weekly posts and vote closes that do not arrive in order: a close committed after a post composed
// later than its stamp, an attempt that outlives its lease, two posts caught up in one tick. Each
// best explanation is still named in exactly one weekly post. (Found by a review of the weekly
// post's look-back.)

// voteIn plays a question in h's channel to an open vote on Bob's explanation.
func voteIn(h *harness) {
	h.t.Helper()
	h.postOnly()
	h.as("Alice", false, "answer B because two")
	h.as("Bob", false, "answer C because print(3) prints 3")
	h.as("lead", true, "reveal")
	h.as("Carol", false, "vote 2")
	h.as("Dave", false, "vote 2")
}

// weeklyHarness is a channel with only the leaderboard job, on spec, from start.
func weeklyHarness(t *testing.T, start time.Time, spec string) (*harness, bot.Channel) {
	t.Helper()
	h := newKitHarness(t, testkit.Options{Questions: testQuestions()[:1], Clock: testkit.NewFakeClock(start),
		Schedules: only(bot.JobLeaderboard, spec, "")})
	ch, err := h.engine.EnsureChannel(context.Background(), h.conv)
	if err != nil {
		t.Fatal(err)
	}
	return h, ch
}

// A vote in another channel closed by a reveal stamped at, or just before, the weekly post's
// instant that committed after the post was composed (jobs in different channels of a tick run at
// once; a reveal waits on the write lock; a replica's clock is behind) is named by the next post. A
// vote the tick itself closed at that instant, before the post, is named by that post only.
func TestACloseCommittedAfterThePostIsNamedOnce(t *testing.T) {
	for _, before := range []time.Duration{0, time.Millisecond, 59 * time.Minute} {
		t.Run(fmt.Sprintf("stamped %v before the post", before), func(t *testing.T) {
			ctx := context.Background()
			h, ch := weeklyHarness(t, time.Date(2026, 11, 19, 16, 0, 0, 0, time.UTC), "0 16 * * 5")
			voteIn(h) // closes by time at Friday's 16:00 tick, before the post
			other := *h
			other.conv.Channel = "C2"
			chB, err := other.engine.EnsureChannel(ctx, other.conv)
			if err != nil {
				t.Fatal(err)
			}
			h.clock.Set(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC))
			voteIn(&other)
			post := time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)
			h.tick(post)
			open, err := h.store.OpenVotes(ctx, chB.ID)
			if err != nil || len(open) != 1 {
				t.Fatalf("open votes in the other channel: %v, %v", open, err)
			}
			if _, err := h.store.CloseVote(ctx, open[0].PostID, post.Add(-before), bot.Award); err != nil {
				t.Fatal(err)
			}
			h.tick(time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC))
			namedOnceIn(t, h, ch, 2, 2)
		})
	}
}

// Replica A claims Friday's post at 16:00 and composes it (naming nothing: the vote closes at
// 16:10), then its send hangs past the lease. This process takes the slot over at 16:10, closes the
// vote first and names it. A's late finish is refused, so the slot keeps what this post named and
// next week's post does not name the vote again.
func TestAnAttemptPastItsLeaseDoesNotOverwriteTheTakeover(t *testing.T) {
	ctx := context.Background()
	h, ch := weeklyHarness(t, time.Date(2026, 11, 19, 16, 10, 0, 0, time.UTC), "0 16 * * 5")
	voteIn(h) // closes Friday 16:10
	due := time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)
	key := bot.SlotKey{ChannelID: ch.ID, Job: bot.JobLeaderboard, Slot: "2026-11-20T16:00 UTC"}
	ok, claimA, err := h.store.ClaimSlot(ctx, key, due, "replica-A", due, 10*time.Minute, 3)
	if err != nil || !ok {
		t.Fatalf("replica A's claim: %v %v", ok, err)
	}
	h.tick(due.Add(10 * time.Minute)) // takes the slot over after the lease
	if err := h.store.FinishSlot(ctx, claimA, bot.SlotPosted, "leaderboard; named best explanations of none"); !errors.Is(err, bot.ErrSlotTakenOver) {
		t.Fatalf("replica A's late FinishSlot = %v, want ErrSlotTakenOver", err)
	}
	h.tick(time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC))
	namedOnceIn(t, h, ch, 2, 1)
}

// A spec firing twice on Friday with the bot down over both: both slots run in one tick, at one
// instant, and the second post does not name what the first did.
func TestTwoWeeklyPostsCaughtUpInOneTickNameABonusOnce(t *testing.T) {
	h, ch := weeklyHarness(t, time.Date(2026, 11, 19, 12, 0, 0, 0, time.UTC), "0 14,16 * * 5")
	voteIn(h)                                              // closes Friday 12:00
	h.tick(time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)) // closes it; then down over 14:00 and 16:00
	h.tick(time.Date(2026, 11, 20, 16, 30, 0, 0, time.UTC))
	namedOnceIn(t, h, ch, 2, 1) // both caught up
}

// slowRecorder is the kit's recorder on a platform whose every send takes a second of the clock.
type slowRecorder struct {
	*testkit.Recorder
	clock *testkit.FakeClock
}

func (r slowRecorder) Send(ctx context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	ref, err := r.Recorder.Send(ctx, to, p)
	r.clock.Set(r.clock.Now().Add(time.Second))
	return ref, err
}

// TestTwoWeeklyPostsCaughtUpInOneTickNameABonusOnce on a platform whose sends take a second of the
// clock, as a real one's round trips take time, with the channel's question caught up before the
// two posts in the same tick: each slot is claimed when the one before it has sent, later than the
// tick's time, which both posts are composed at. The second post looked for the channel's last
// weekly post claimed up to the tick's time, missed the first (claimed a second after it) and named
// its bonus again.
func TestTwoWeeklyPostsCaughtUpInOneTickNameABonusOnceWithSlowSends(t *testing.T) {
	h := newKitHarness(t, testkit.Options{Questions: testQuestions(), Clock: testkit.NewFakeClock(time.Date(2026, 11, 19, 12, 0, 0, 0, time.UTC)),
		Schedules: []bot.Schedule{
			{Job: bot.JobQuestion, Spec: "30 13 * * 5", Enabled: true},
			{Job: bot.JobLeaderboard, Spec: "0 14,16 * * 5", Enabled: true},
		}})
	ch, err := h.engine.EnsureChannel(context.Background(), h.conv)
	if err != nil {
		t.Fatal(err)
	}
	h.engine.AddAdapter(slowRecorder{Recorder: h.out, clock: h.clock})
	voteIn(h)                                              // closes Friday 12:00
	h.tick(time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)) // closes it; then down over 13:30, 14:00 and 16:00
	h.tick(time.Date(2026, 11, 20, 16, 20, 0, 0, time.UTC))
	namedOnceIn(t, h, ch, 2, 1) // both caught up, after the question
}
