package bot

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot/scheduler"
)

// runReveal reveals the channel's open questions that the slot is due to reveal (postedSince).
//
// A reveal is graded before it is sent (CloseAndGrade), so one the platform refuses leaves its
// question closed and graded, and a retry of the slot found nothing open: the answer was never
// shown. So a refusal links the slot to the question (revealFailed) and fails the slot, which the
// scheduler retries after the lease, within grace; the retry sends that reveal again from the stored
// grades (nothing is graded twice) before revealing whatever is still open. The link is removed
// before the retry sends: a retry that dies after the platform took the reveal leaves no link, and
// the takeover does not post it a second time (that reveal is lost rather than doubled, as one
// interrupted between its grading and its send is).
func (e *Engine) runReveal(ctx context.Context, d slot, claim SlotClaim) (SlotState, string, error) {
	if claim.Attempts > 1 {
		// A takeover claims before it has the channel: the attempt it took over, still running past
		// its lease, may have linked a refused reveal while this one waited for the channel.
		slots, err := e.sched.store.Slots(ctx, d.Key.ChannelID, d.Key.Job)
		if err != nil {
			return "", "", err
		}
		for _, s := range slots {
			if s.Key == d.Key {
				claim.PostID = s.PostID
			}
		}
	}
	var refs []string
	if claim.PostID != 0 {
		p, err := e.store.Post(ctx, claim.PostID)
		if err != nil && !isNotFound(err) {
			return "", "", err
		}
		if err == nil && !p.Open() {
			if err := e.resendReveal(ctx, d, p); err != nil {
				return e.revealFailed(ctx, d, p, err)
			}
			refs = append(refs, p.ShortRef())
		}
	}
	open, err := e.sentOpenPosts(ctx, d.ch)
	if err != nil {
		return "", "", err
	}
	open = slices.DeleteFunc(open, func(p PostedQuestion) bool { return postedSince(p, d.Due) })
	if len(open) == 0 && len(refs) == 0 {
		return SlotPosted, "nothing open", nil
	}
	// A new reveal ends the last one's vote. An attempt that got as far as a refused reveal closed
	// them before it, and the vote of the reveal sent again is this slot's own.
	if claim.PostID == 0 && len(open) > 0 {
		if err := e.closeChannelVotes(ctx, d.ch); err != nil {
			return "", "", err
		}
	}
	for _, p := range open {
		if err := e.revealPostNote(ctx, d.ch, p, d.note); err != nil {
			return e.revealFailed(ctx, d, p, err)
		}
		refs = append(refs, p.ShortRef())
	}
	return SlotPosted, "revealed " + strings.Join(refs, " "), nil
}

// revealFailed is how the slot ends when revealing p failed. When the platform refused the reveal
// (logged where it happened), p is closed and graded: the slot is linked to it, for the retry to
// send it, and fails with the error as its note.
func (e *Engine) revealFailed(ctx context.Context, d slot, p PostedQuestion, err error) (SlotState, string, error) {
	var notPosted *revealNotPostedError
	if !errors.As(err, &notPosted) {
		return "", "", err
	}
	// Recorded whatever ctx has come to (a shutdown cutting the send short): without the link the
	// reveal is never sent.
	if lerr := e.sched.store.SetSlotPost(context.WithoutCancel(ctx), d.Key, p.ID); lerr != nil {
		return "", "", errors.Join(err, lerr)
	}
	return SlotFailed, err.Error(), nil
}

// resendReveal posts the reveal of p, which an earlier attempt closed and graded and whose reveal
// the platform refused: from the stored grades, with the vote that attempt opened while it is open
// (numbered as the round's candidates are). The slot's link to p is removed just before the send,
// once everything the reveal is made of has been read: a read that fails leaves it for the next
// retry.
func (e *Engine) resendReveal(ctx context.Context, d slot, p PostedQuestion) error {
	ch := d.ch
	a, err := e.adapter(ch.Conv.Platform)
	if err != nil {
		return err
	}
	answers, err := e.store.Answers(ctx, p.ID)
	if err != nil {
		return err
	}
	q := e.bank.Get(p.QuestionID)
	var cands []Answer
	var numbers map[int64]int
	var closes time.Time
	if q != nil {
		v, err := e.store.VoteRound(ctx, p.ID)
		if err != nil && !isNotFound(err) {
			return err
		}
		if err == nil && v.Open() {
			byID := make(map[int64]Answer, len(answers))
			for _, ans := range answers {
				byID[ans.ID] = ans
			}
			numbers, closes = map[int64]int{}, v.ClosesAt
			for _, c := range v.Candidates {
				cands, numbers[c.AnswerID] = append(cands, byID[c.AnswerID]), c.N
			}
		}
	}
	if err := e.sched.store.SetSlotPost(ctx, d.Key, 0); err != nil {
		return err
	}
	if err := e.postReveal(ctx, a, ch, q, p, answers, cands, numbers, closes, d.note); err != nil {
		return &revealNotPostedError{ref: p.ShortRef(), err: err}
	}
	e.log.Info("question revealed, the platform having refused the reveal before", convArgs(ch.Conv, "post", p.ID, "answers", len(answers))...)
	return nil
}

// postedSince says whether p was posted after the reveal slot d was due and before its tick: a retry
// of a failed or abandoned reveal (after the lease) must leave such a question open, told as it
// was that it is revealed at the reveal after that. Questions posted by this tick (a question
// caught up just before the reveal, or due at the same instant) are the slot's to reveal. The store
// keeps milliseconds, so the tick's time is compared at that precision: a question posted in the
// tick's first millisecond reads back as at or after it, not before.
func postedSince(p PostedQuestion, d scheduler.Due[slotTarget]) bool {
	return p.PostedAt.After(d.At) && p.PostedAt.Before(d.Now.Truncate(time.Millisecond))
}
