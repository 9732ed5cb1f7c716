package bot

import (
	"context"
	"errors"
	"time"
)

// The best-explanation rules. Interview practice is about explaining your reasoning, so answers can
// carry a reason ("B because the default list is created once"); at the reveal the team reads them
// and votes for the one that explains best. Peers judge, so no reviewer is a bottleneck.
const (
	// MaxReasonLen caps a reason, in characters: long enough for a real explanation, short enough
	// that a reveal with many reasons stays readable. Adapters size their text boxes from it.
	MaxReasonLen = 500
	// BestExplanationBonus is what the explanation(s) with the most votes earn at the close.
	BestExplanationBonus = 5
	// MinBonusVotes is the fewest votes that earn the bonus: one vote is one friend, not the team.
	MinBonusVotes = 2
	// MinVoteCandidates is how many explanations a reveal needs to open a vote: "best" needs a choice.
	MinVoteCandidates = 2
	// VoteWindow is how long a vote stays open after its reveal; the channel's next reveal closes it
	// sooner, so two votes never compete in one channel.
	VoteWindow = 24 * time.Hour
	// reasonWord separates the choice from the reason in `/pyq answer B because …`.
	reasonWord = "because"
)

// Errors a VoteStore returns that the engine turns into replies.
var (
	// ErrVoteClosed: the round no longer takes votes.
	ErrVoteClosed = errors.New("vote closed")
)

// VoteRound is the vote on one revealed question's explanations.
type VoteRound struct {
	PostID      int64
	ChannelID   int64
	WorkspaceID int64
	OpenedAt    time.Time
	ClosesAt    time.Time
	ClosedAt    time.Time  // zero while open
	Ref         MessageRef // the thread message with the vote control
	Candidates  []Candidate
}

// Open reports whether the round still takes votes.
func (v VoteRound) Open() bool { return v.ClosedAt.IsZero() }

// Candidate is one explanation in a round, numbered as the reveal shows it.
type Candidate struct {
	N        int
	AnswerID int64
	User     User
	Text     string // the reason, or a design answer's text
}

// VoteResult is what CastVote changed: the number voted for before (0 when this is the first vote).
type VoteResult struct {
	Previous int
}

// Tally is how many votes each candidate number got.
type Tally map[int]int

// AwardFunc decides the bonus per candidate number from the votes; the store records what it says in
// the closing transaction.
type AwardFunc func(t Tally) map[int]int

// VoteOutcome is a closed round: the votes, and the bonuses awarded by candidate number.
type VoteOutcome struct {
	Round   VoteRound
	Tally   Tally
	Awarded map[int]int
}

// BestExplanation is one bonus awarded, for the weekly post.
type BestExplanation struct {
	PostID    int64
	User      User
	Votes     int
	AwardedAt time.Time
}

// VoteStore keeps reasons' votes. It is separate from Store (like ScheduleStore) so a store can add
// it without changing the game's contract; the engine offers votes when its store implements it.
type VoteStore interface {
	// OpenVote starts the round of a closed post with its candidates (numbered in the order given,
	// from 1). Opening one that exists does nothing.
	OpenVote(ctx context.Context, postID int64, answerIDs []int64, opened, closes time.Time) error
	// SetVoteRef records the thread message holding the vote control.
	SetVoteRef(ctx context.Context, postID int64, ref MessageRef) error
	// VoteRound returns a post's round with its candidates. ErrNotFound if the post has none.
	VoteRound(ctx context.Context, postID int64) (VoteRound, error)
	// OpenVotes lists the channel's open rounds, newest first (without candidates).
	OpenVotes(ctx context.Context, channelID int64) ([]VoteRound, error)
	// DueVotes lists open rounds, in every channel, whose closing time is at or before now.
	DueVotes(ctx context.Context, now time.Time) ([]VoteRound, error)
	// CastVote records (or changes) voter's vote for candidate n. ErrVoteClosed when the round is
	// closed; ErrNotFound when there is no such round or candidate.
	CastVote(ctx context.Context, postID int64, voter User, n int, at time.Time) (VoteResult, error)
	// CloseVote closes the round, tallies it and records award's bonuses (added to the leaderboard
	// totals in the period of at) in one transaction. ErrVoteClosed if it was already closed.
	CloseVote(ctx context.Context, postID int64, at time.Time, award AwardFunc) (VoteOutcome, error)
	// BestExplanations lists the bonuses awarded in the workspace in [from, to), oldest first.
	BestExplanations(ctx context.Context, workspaceID int64, from, to time.Time) ([]BestExplanation, error)
}

// Award is the rule: the candidate(s) with the most votes, at least MinBonusVotes, each earn
// BestExplanationBonus. A tie rewards every tied explanation: the team could not pick between them.
func Award(t Tally) map[int]int {
	most := 0
	for _, v := range t {
		most = max(most, v)
	}
	out := map[int]int{}
	if most < MinBonusVotes {
		return out
	}
	for n, v := range t {
		if v == most {
			out[n] = BestExplanationBonus
		}
	}
	return out
}
