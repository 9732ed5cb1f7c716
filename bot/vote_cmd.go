package bot

import (
	"context"
	"errors"
	"fmt"
)

// reasonNote ends an answer's confirmation: what happens to the explanation at the reveal.
func (e *Engine) reasonNote(reason, designText string) string {
	const vote = ", where the team votes for the best explanation"
	switch {
	case reason != "":
		return " Your reason will be shown with your name in the thread at the reveal" + vote + "."
	case designText != "" && vote != "":
		return " Your answer will be shown with your name in the thread at the reveal" + vote + "."
	}
	return ""
}

const voteUsage = "Say which explanation: `/pyq vote 2`, or `/pyq vote #12 2` for question #12. The numbers are the ones next to the explanations in the reveal's thread."

func (e *Engine) cmdVote(ctx context.Context, r request) Reply {
	vs := e.store
	ref, args := leadingRef(r.args)
	if len(args) != 1 {
		return privateText(voteUsage + " Nothing was recorded.")
	}
	n, ok := voteNumber(args[0])
	if !ok {
		return privateText(fmt.Sprintf("%q is not an explanation number. %s Nothing was recorded.", args[0], voteUsage))
	}
	round, msg, err := e.voteTarget(ctx, r, vs, ref)
	if err != nil {
		return e.internalError(r.Event, "find vote", err)
	}
	if msg != "" {
		return privateText(msg)
	}
	qref := fmt.Sprintf("#%d", round.PostID)
	if !round.Open() {
		return privateText(fmt.Sprintf("Voting on %s closed %s, so votes no longer count. Nothing was recorded.",
			qref, formatWhen(round.ClosedAt, e.now(), r.ch.Location())))
	}
	if n < 1 || n > len(round.Candidates) {
		return privateText(fmt.Sprintf("There is no explanation %d on %s: pick a number from 1 to %d. Nothing was recorded.", n, qref, len(round.Candidates)))
	}
	c := round.Candidates[n-1]
	if c.User.ID == r.User.ID {
		return privateText(fmt.Sprintf("Explanation %d is your own: vote for the one of a teammate that explains %s best. Nothing was recorded.", n, qref))
	}
	res, err := vs.CastVote(ctx, round.PostID, r.User, n, e.now())
	switch {
	case errors.Is(err, ErrVoteClosed):
		return privateText(fmt.Sprintf("Voting on %s has just closed, so votes no longer count. Nothing was recorded.", qref))
	case isNotFound(err):
		return privateText(fmt.Sprintf("There is no explanation %d on %s. Nothing was recorded.", n, qref))
	case err != nil:
		return e.internalError(r.Event, "record vote", err)
	}
	until := formatWhen(round.ClosesAt, e.now(), r.ch.Location())
	name := UserText(c.User.Name)
	switch res.Previous {
	case n:
		return privateText(fmt.Sprintf("Your vote on %s is unchanged: explanation %d, by %s.", qref, n, name))
	case 0:
		return privateText(fmt.Sprintf("Recorded your vote on %s for explanation %d, by %s. You can change it until %s; the result is shown in the thread then.",
			qref, n, name, until))
	}
	return privateText(fmt.Sprintf("Your vote on %s moved from explanation %d to %d, by %s. Voting closes %s.", qref, res.Previous, n, name, until))
}

// voteTarget is the round a vote is for: question ref's, or the newest open one in the channel.
func (e *Engine) voteTarget(ctx context.Context, r request, vs VoteStore, ref string) (VoteRound, string, error) {
	var postID int64
	if ref != "" {
		post, msg, err := e.targetPost(ctx, r, ref)
		if err != nil || msg != "" {
			return VoteRound{}, msg, err
		}
		postID = post.ID
	} else {
		open, err := vs.OpenVotes(ctx, r.ch.ID)
		if err != nil {
			return VoteRound{}, "", err
		}
		if len(open) == 0 {
			// A vote just after the close deserves to hear it closed, like a late answer.
			if latest, err := e.store.LatestPost(ctx, r.ch.ID); err == nil {
				if round, err := vs.VoteRound(ctx, latest.ID); err == nil {
					return round, "", nil
				}
			}
			return VoteRound{}, fmt.Sprintf("No vote is open in this channel. A vote opens at a reveal with at least %d explanations (`/pyq answer B because …`) and closes %s later or at the next reveal.",
				MinVoteCandidates, "24 h"), nil
		}
		postID = open[0].PostID
	}
	round, err := vs.VoteRound(ctx, postID)
	if isNotFound(err) {
		return VoteRound{}, fmt.Sprintf("Question #%d has no vote: votes open at the reveal when at least %d answers explain themselves. Nothing was recorded.",
			postID, MinVoteCandidates), nil
	}
	return round, "", err
}
