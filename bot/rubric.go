package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// How the rubric checklist works
//
// A design question has no single right answer, so its reveal lists a rubric: what a strong answer
// mentions. After the reveal each person who answered can tick, privately, which items their own
// answer covered: `/pyq rubric [#N]` shows the checklist, `/pyq rubric [#N] 1 3 4` records it (again
// to change it; `none` for nothing). The reveal's thread carries a "Check my answer against the
// rubric" control that opens the same checklist. It is feedback, not points: the leaderboard never
// sees it, nobody else sees it, and `/pyq me` sums it up over time so people can tell whether their
// answers are getting more complete. Honesty is the answerer's: a self-check is for learning, and
// points for it would only reward ticking everything.

// RubricButtonLabel is the reveal's control, on every platform.
const RubricButtonLabel = "Check my answer against the rubric"

// RubricForm is a design question's rubric as a private checklist. On a reveal it has no Items: it
// is the control that asks for the checklist (OpenCommand). In the reply to that command it lists
// the items; ticking some and submitting is Command of their numbers.
type RubricForm struct {
	Ref   string // "#12"
	Items []RubricItem
}

// RubricItem is one point of the rubric, numbered from 1 as the checklist shows it.
type RubricItem struct {
	N       int
	Label   string
	Checked bool // the user's last check ticked it
}

// OpenCommand is the event text the reveal's control stands for.
func (f RubricForm) OpenCommand() string { return "rubric " + f.Ref }

// Command is the event text that ticking the items numbered ns stands for; none ticked is "none".
func (f RubricForm) Command(ns ...int) string {
	if len(ns) == 0 {
		return "rubric " + f.Ref + " none"
	}
	words := make([]string, len(ns))
	for i, n := range ns {
		words[i] = strconv.Itoa(n)
	}
	return "rubric " + f.Ref + " " + strings.Join(words, " ")
}

// RubricCheck is what one answer covered of its question's rubric, by the answerer's own check.
type RubricCheck struct {
	PostID    int64
	AnswerID  int64
	Items     []int // ticked item numbers, sorted, each 1..Total
	Total     int   // items in the rubric when it was checked
	CheckedAt time.Time
}

// RubricStore keeps rubric checks. Like VoteStore it is optional: the engine offers the checklist
// when its store implements it.
type RubricStore interface {
	// SetRubricCheck records an answer's check, replacing an earlier one.
	SetRubricCheck(ctx context.Context, c RubricCheck) error
	// RubricCheck returns an answer's check. ErrNotFound when it has none.
	RubricCheck(ctx context.Context, answerID int64) (RubricCheck, error)
	// RubricChecks lists the user's checks in the workspace, oldest question first.
	RubricChecks(ctx context.Context, workspaceID int64, userID string) ([]RubricCheck, error)
	// LastAnsweredReveal is the newest closed post of kind in the channel the user answered.
	// ErrNotFound when there is none.
	LastAnsweredReveal(ctx context.Context, channelID int64, userID string, kind Kind) (int64, error)
}

const rubricUsage = "`/pyq rubric` shows the rubric of the last design question you answered as a checklist; `/pyq rubric #12 1 3` records that your answer covered items 1 and 3 (`none` for none)."

func (e *Engine) cmdRubric(ctx context.Context, r request) Reply {
	rs := e.store
	ref, args := leadingRef(r.args)
	ticks, record, problem := parseRubricTicks(args)
	if problem != "" {
		return privateText(problem + " " + rubricUsage + " Nothing was recorded.")
	}
	post, msg, err := e.rubricTarget(ctx, r, rs, ref)
	if err != nil {
		return e.internalError(r.Event, "find rubric question", err)
	}
	if msg != "" {
		return privateText(msg)
	}
	q := e.bank.Get(post.QuestionID)
	qref := post.ShortRef()
	switch {
	case q == nil:
		return privateText(fmt.Sprintf("Question %s is no longer in the bank, so its rubric is gone. Nothing was recorded.", qref))
	case !q.FreeText() || len(q.Rubric) == 0:
		article := "a"
		if strings.ContainsRune("aeiou", rune(string(q.Kind)[0])) {
			article = "an"
		}
		return privateText(fmt.Sprintf("%s is %s %s question: only design questions have a rubric to check your answer against. Nothing was recorded.", qref, article, q.Kind))
	case post.Open():
		return privateText(fmt.Sprintf("%s is not revealed yet: its rubric is shown at the reveal, so check your answer then. Nothing was recorded.", qref))
	}
	answers, err := e.store.Answers(ctx, post.ID)
	if err != nil {
		return e.internalError(r.Event, "load answers", err)
	}
	i := slices.IndexFunc(answers, func(a Answer) bool { return a.User.ID == r.User.ID })
	if i < 0 {
		return privateText(fmt.Sprintf("You did not answer %s, so there is no answer of yours to check. Its rubric is in the reveal's thread. Nothing was recorded.", qref))
	}
	mine := answers[i]
	if !record {
		prev, err := rs.RubricCheck(ctx, mine.ID)
		if err != nil && !isNotFound(err) {
			return e.internalError(r.Event, "load rubric check", err)
		}
		return Reply{Private: true, Post: rubricChecklist(q, post, mine, prev.Items)}
	}
	for _, n := range ticks {
		if n < 1 || n > len(q.Rubric) {
			return privateText(fmt.Sprintf("There is no item %d on %s's rubric: pick numbers from 1 to %d, e.g. `/pyq rubric %s 1 3`. Nothing was recorded.",
				n, qref, len(q.Rubric), qref))
		}
	}
	check := RubricCheck{PostID: post.ID, AnswerID: mine.ID, Items: ticks, Total: len(q.Rubric), CheckedAt: e.now()}
	if err := rs.SetRubricCheck(ctx, check); err != nil {
		return e.internalError(r.Event, "record rubric check", err)
	}
	return privateText(rubricRecordedText(q, qref, ticks))
}

// rubricTarget is the question a rubric command is about: ref's, or the user's last revealed
// design question in the channel.
func (e *Engine) rubricTarget(ctx context.Context, r request, rs RubricStore, ref string) (PostedQuestion, string, error) {
	if ref != "" {
		post, msg, err := e.targetPost(ctx, r, ref)
		if msg != "" {
			msg += " Nothing was recorded."
		}
		return post, msg, err
	}
	id, err := rs.LastAnsweredReveal(ctx, r.ch.ID, r.User.ID, KindDesign)
	if isNotFound(err) {
		return PostedQuestion{}, "You have not answered a revealed design question in this channel, so there is no rubric to check yet. " +
			"Answer the next design question; after its reveal, `/pyq rubric` lets you tick what your answer covered.", nil
	}
	if err != nil {
		return PostedQuestion{}, "", err
	}
	post, err := e.store.Post(ctx, id)
	return post, "", err
}

// rubricLine is `/pyq me`'s design coverage over time, or "" before the first check.
func (e *Engine) rubricLine(ctx context.Context, ch Channel, userID string) (string, error) {
	rs := e.store
	checks, err := rs.RubricChecks(ctx, ch.WorkspaceID, userID)
	if err != nil || len(checks) == 0 {
		return "", err
	}
	return rubricCoverageLine(checks), nil
}
