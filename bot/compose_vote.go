package bot

import (
	"fmt"
	"strings"
	"time"
)

// How the explanation vote looks: the vote message of a round, and the result that replaces it.

// votePost is the one thread message of a vote: the rules and the control.
func votePost(p PostedQuestion, cands []Answer, closes, now time.Time, loc *time.Location) Post {
	form := &VoteForm{Ref: p.ShortRef()}
	for i, a := range cands {
		text := a.Reason
		if text == "" {
			text = a.Text
		}
		form.Options = append(form.Options, VoteOption{N: i + 1,
			Label: truncate(strings.Join(strings.Fields(fmt.Sprintf("%d · %s: %s", i+1, a.User.Name, text)), " "), MaxVoteLabelLen)})
	}
	return Post{
		Title: "Vote for the best explanation of " + p.ShortRef(),
		Text: fmt.Sprintf("Which of the %d explanations above explains it best? One vote each, not for your own; you can change it until %s. "+
			"The explanation with the most votes (at least %d) earns +%d points.", len(cands), formatWhen(closes, now, loc), MinBonusVotes, BestExplanationBonus),
		Footer: fmt.Sprintf("Typed: /pyq vote %s N", p.ShortRef()),
		Vote:   form,
	}
}

// voteClosedPost replaces the vote control with the result.
func voteClosedPost(out VoteOutcome) Post {
	ref := fmt.Sprintf("#%d", out.Round.PostID)
	var winners []string
	for _, c := range out.Round.Candidates {
		if out.Awarded[c.N] > 0 {
			winners = append(winners, fmt.Sprintf("no. %d by %s", c.N, UserText(c.User.Name)))
		}
	}
	total := 0
	var spread []string
	for _, c := range out.Round.Candidates {
		total += out.Tally[c.N]
		spread = append(spread, fmt.Sprintf("%d: %d", c.N, out.Tally[c.N]))
	}
	var text string
	switch {
	case len(winners) == 1:
		text = fmt.Sprintf("The best explanation: %s, with %d votes. +%d points.", winners[0], mostVotes(out.Tally), BestExplanationBonus)
	case len(winners) > 1:
		text = fmt.Sprintf("A tie at %d votes: %s each earn +%d points.", mostVotes(out.Tally), strings.Join(winners, " and "), BestExplanationBonus)
	default:
		text = fmt.Sprintf("No explanation got %d votes, so there is no bonus this time.", MinBonusVotes)
	}
	// The form stays, closed, so adapters know this is a vote: they show no control for it.
	return Post{
		Title:  "Vote closed: the best explanation of " + ref,
		Text:   text,
		Footer: fmt.Sprintf("%d vote%s · %s", total, plural(total), strings.Join(spread, " · ")),
		Vote:   &VoteForm{Ref: ref},
		Closed: true,
	}
}

func mostVotes(t Tally) int {
	most := 0
	for _, v := range t {
		most = max(most, v)
	}
	return most
}
