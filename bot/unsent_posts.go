package bot

import (
	"context"
	"errors"
)

// sentOpenPosts is the channel's open questions that reached the platform, for a caller holding the
// channel's lock (lockChannel). Every question is created and sent under that lock, so an open one
// without a message reference seen under it was left by a process that died while sending it. If
// the slot that made it is retried, the retry discards it (runPostJob); past the grace window
// nothing would, and it stayed open for good: `/pyq today` listed it instead of posting, the day's
// scheduled question was "already open", and the reveal revealed it, top-level, to people who had
// never seen it. Such a question is discarded here unless someone answered it (then it was seen:
// the platform accepted it and only its reference was lost), as the slot's retry decides. One
// younger than the scheduler's lease is left alone: processes sharing a SQLite file share no
// channel lock, and another may be sending it right now; one unsent after a lease is given up for
// dead, as its slot's claim is.
func (e *Engine) sentOpenPosts(ctx context.Context, ch Channel) ([]PostedQuestion, error) {
	open, err := e.store.OpenPosts(ctx, ch.ID)
	if err != nil {
		return nil, err
	}
	kept := open[:0]
	for _, p := range open {
		if !p.Ref.IsZero() || e.now().Sub(p.PostedAt) < e.sched.run.Lease() {
			kept = append(kept, p)
			continue
		}
		switch err := e.store.DiscardPost(ctx, p.ID); {
		case errors.Is(err, ErrClosed): // answered, so it was seen
			kept = append(kept, p)
		case err != nil:
			return nil, err
		default:
			e.log.Warn("discarded a question that never reached the platform: its process died while sending it",
				convArgs(ch.Conv, "post", p.ID, "question", p.QuestionID)...)
		}
	}
	return kept, nil
}
