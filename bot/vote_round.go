package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// How a vote runs
//
// A reveal with at least MinVoteCandidates explanations (reasons given with choice answers, or
// design answers) opens a round: the reveal numbers them, and one more thread message carries the
// vote control. The round closes VoteWindow after the reveal (the scheduler's Tick) or when the
// channel reveals its next question, whichever comes first. The close is exactly-once the way a
// reveal's grading is: the store closes the round with a conditional UPDATE and records the bonuses
// in that transaction, so a second tick, a second process or a reveal racing the timer finds it
// closed and does nothing. The close then edits the vote message to show the result: no new message.

// voteCandidates are the answers whose explanations the team can vote on, in the reveal's order.
func voteCandidates(q *Question, answers []Answer) []Answer {
	var out []Answer
	for _, a := range answers {
		if q != nil && q.FreeText() && strings.TrimSpace(a.Text) != "" || a.Reason != "" {
			out = append(out, a)
		}
	}
	return out
}

// openVote opens the round of a just-graded post and returns the vote number of each explanation
// by answer ID; nil when no vote opens. A failure is logged, not returned: the reveal and its points
// matter more than the vote, which is then simply not offered.
func (e *Engine) openVote(ctx context.Context, ch Channel, p PostedQuestion, cands []Answer) map[int64]int {
	vs := e.store
	if len(cands) < MinVoteCandidates {
		return nil
	}
	ids := make([]int64, len(cands))
	numbers := map[int64]int{}
	for i, a := range cands {
		ids[i] = a.ID
		numbers[a.ID] = i + 1
	}
	now := e.now()
	if err := vs.OpenVote(ctx, p.ID, ids, now, now.Add(VoteWindow)); err != nil {
		e.log.Error("opening the explanation vote failed", convArgs(ch.Conv, "post", p.ID, "err", err)...)
		return nil
	}
	return numbers
}

// sendVoteControl posts the vote message of a round closing at closes in the question's thread and
// remembers it for the close.
func (e *Engine) sendVoteControl(ctx context.Context, a Adapter, ch Channel, p PostedQuestion, cands []Answer, closes time.Time) {
	post := votePost(p, cands, closes, e.now(), ch.Location())
	if !p.Ref.IsZero() {
		ref := p.Ref
		post.Thread = &ref
	}
	ref, err := e.send(ctx, a, ch, post)
	if err != nil {
		e.log.Error("posting the explanation vote failed; `/pyq vote` still works", convArgs(ch.Conv, "post", p.ID, "err", err)...)
		return
	}
	// Recorded whatever ctx has come to (a shutdown abandoning the reveal): the message is out.
	if err := e.store.SetVoteRef(context.WithoutCancel(ctx), p.ID, ref); err != nil {
		e.log.Warn("recording the vote message failed; its result will not be shown on it", convArgs(ch.Conv, "post", p.ID, "err", err)...)
	}
}

// closeChannelVotes closes the channel's open votes: it runs before the channel reveals again.
// The caller holds the channel lock.
func (e *Engine) closeChannelVotes(ctx context.Context, ch Channel) error {
	vs := e.store
	open, err := vs.OpenVotes(ctx, ch.ID)
	if err != nil {
		return fmt.Errorf("list open votes: %w", err)
	}
	for _, v := range open {
		if err := e.closeVote(ctx, ch, v.PostID, e.now()); err != nil {
			return err
		}
	}
	return nil
}

// closeDueVotes closes every vote whose window has ended, in every channel: the scheduler's part. The
// closes are stamped with the tick's time, the time the weekly leaderboard of that tick is composed
// at, so the post names them and the next one (which starts at that instant, less what the post
// named: lastWeeklyPost) does not name them again.
func (e *Engine) closeDueVotes(ctx context.Context, now time.Time) error {
	vs := e.store
	due, err := vs.DueVotes(ctx, now)
	if err != nil || len(due) == 0 {
		return err
	}
	channels, err := e.sched.store.Channels(ctx)
	if err != nil {
		return fmt.Errorf("list channels: %w", err)
	}
	byID := map[int64]Channel{}
	for _, ch := range channels {
		byID[ch.ID] = ch
	}
	var errs []error
	for _, v := range due {
		ch, ok := byID[v.ChannelID]
		if !ok {
			continue
		}
		unlock, err := e.lockChannel(ctx, ch.ID)
		if err == nil {
			err = e.closeVote(ctx, ch, v.PostID, now)
			unlock()
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("close vote on post %d: %w", v.PostID, err))
		}
	}
	return errors.Join(errs...)
}

// closeVote closes one round at `at` and shows its result on the vote message. Closing one already
// closed does nothing.
func (e *Engine) closeVote(ctx context.Context, ch Channel, postID int64, at time.Time) error {
	out, err := e.store.CloseVote(ctx, postID, at, Award)
	if errors.Is(err, ErrVoteClosed) {
		return nil
	}
	if err != nil {
		return err
	}
	e.log.Info("explanation vote closed", convArgs(ch.Conv, "post", postID, "votes", out.Tally, "awarded", out.Awarded)...)
	a, err := e.adapter(ch.Conv.Platform)
	if err != nil {
		return nil // the bonus is recorded; there is just nothing to edit through
	}
	if ed, ok := a.(Editor); ok && !out.Round.Ref.IsZero() {
		if err := ed.Edit(ctx, ch.Conv, out.Round.Ref, voteClosedPost(out)); err != nil {
			e.log.Warn("showing the vote's result failed; the bonus is recorded", convArgs(ch.Conv, "post", postID, "err", err)...)
		}
	}
	return nil
}
