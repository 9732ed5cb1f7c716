package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func (e *Engine) cmdToday(ctx context.Context, r request) Reply {
	unlock, err := e.lockChannel(ctx, r.ch.ID)
	if err != nil {
		return e.internalError(r.Event, "lock the channel", err)
	}
	defer unlock()
	open, err := e.sentOpenPosts(ctx, r.ch)
	if err != nil {
		return e.internalError(r.Event, "list open questions", err)
	}
	if len(open) > 0 {
		return privateText(e.openList(ctx, r.ch, open))
	}
	if e.Scheduling() {
		// Posting a team question makes this a team channel: it gets the default schedules.
		if err := e.seedSchedules(ctx, r.ch.ID); err != nil {
			return e.internalError(r.Event, "seed schedules", err)
		}
	}
	if _, err := e.PostQuestion(ctx, r.ch); err != nil {
		if msg := userMessage(err); msg != "" {
			return privateText(msg)
		}
		return e.internalError(r.Event, "post question", err)
	}
	return Reply{}
}

// PostQuestion picks the channel's next question of the day, stores it and posts it. It picks as the
// scheduled question job does (dailyFilter): with scheduling on, the channel's debug job keeps
// debug questions for itself. The post is stored first, so its buttons can name it; if the platform
// refuses the post, the stored row is discarded.
func (e *Engine) PostQuestion(ctx context.Context, ch Channel) (PostedQuestion, error) {
	var opt PostOptions
	if e.Scheduling() {
		schedules, err := e.schedules(ctx, ch.ID)
		if err != nil {
			return PostedQuestion{}, err
		}
		opt.Filter = dailyFilter(ch, schedules)
	}
	p, err := e.PostQuestionWith(ctx, ch, opt)
	return p, dailyNothing(err, opt.Filter)
}

// PostOptions change how PostQuestionWith picks and presents a question. The zero value is
// PostQuestion's behaviour.
type PostOptions struct {
	// Filter replaces the channel's filter when non-nil (the debug job asks for kind debug).
	Filter *Filter
	// Note goes at the top of the post, e.g. "Posted late: the bot was down at 09:00."
	Note string
	// RevealAt, when set, is the reveal time shown instead of Config.RevealAt's.
	RevealAt time.Time
	// Decorate changes the post before it is sent (the debug job adds its points line).
	Decorate func(q *Question, p PostedQuestion, post *Post)
	// Created runs after the post is stored and before it is sent, so the scheduler can link its
	// claim to the post: after a crash it then knows whether the post was made.
	Created func(ctx context.Context, p PostedQuestion) error
}

// PostQuestionWith is PostQuestion with options.
func (e *Engine) PostQuestionWith(ctx context.Context, ch Channel, opt PostOptions) (PostedQuestion, error) {
	a, err := e.adapter(ch.Conv.Platform)
	if err != nil {
		return PostedQuestion{}, err
	}
	history, err := e.store.History(ctx, ch.ID)
	if err != nil {
		return PostedQuestion{}, err
	}
	filter := ch.Filter
	if opt.Filter != nil {
		filter = *opt.Filter
	}
	hidden, err := e.hiddenQuestions(ctx, ch.WorkspaceID)
	if err != nil {
		return PostedQuestion{}, err
	}
	q := pickQuestion(e.bank, filter, history, hidden, e.intn)
	if q == nil {
		if len(hidden) > 0 {
			return PostedQuestion{}, &UserError{fmt.Sprintf("No question in the bank matches this channel's topic, kind and difficulty settings, leaving out %d hidden by reports (`/pyq reports`).", len(hidden))}
		}
		return PostedQuestion{}, &UserError{"No question in the bank matches this channel's topic, kind and difficulty settings."}
	}
	now := e.now()
	loc := ch.Location()
	revealAt := opt.RevealAt
	if revealAt.IsZero() {
		revealAt = e.revealTime(ctx, ch, PostedQuestion{RevealAt: e.revealAt(ch, now)})
	}
	p, err := e.store.CreatePost(ctx, PostedQuestion{
		ChannelID: ch.ID, WorkspaceID: ch.WorkspaceID, QuestionID: q.ID, Kind: q.Kind, Topic: q.Topic,
		PostedAt: now, Day: LocalDay(now, loc), RevealAt: revealAt,
	})
	if err != nil {
		return PostedQuestion{}, err
	}
	if opt.Created != nil {
		if err := opt.Created(ctx, p); err != nil {
			if derr := e.store.DiscardPost(ctx, p.ID); derr != nil {
				e.log.Error("discard unposted question failed", convArgs(ch.Conv, "post", p.ID, "err", derr)...)
			}
			return PostedQuestion{}, err
		}
	}
	post := questionPost(q, p, now, loc, 0)
	if opt.Decorate != nil {
		opt.Decorate(q, p, &post)
	}
	post.Text = withNote(opt.Note, post.Text)
	ref, err := e.send(ctx, a, ch, post)
	// What the send did is recorded whatever ctx has come to (a shutdown abandoning the job): a
	// reference lost here would make the slot's takeover post the question again.
	ctx = context.WithoutCancel(ctx)
	if err != nil {
		if derr := e.store.DiscardPost(ctx, p.ID); derr != nil {
			e.log.Error("discard unposted question failed", convArgs(ch.Conv, "post", p.ID, "err", derr)...)
		}
		// Logged by the caller, which decides what follows: the command tells the user, the
		// scheduler retries the slot.
		return PostedQuestion{}, fmt.Errorf("post question %s: %w", q.ID, err)
	}
	e.metrics.QuestionPosted(ch.Conv.Platform, q.Kind)
	p.Ref = ref
	if err := e.store.SetPostRef(ctx, p.ID, ref); err != nil {
		return p, err
	}
	e.log.Info("question posted", convArgs(ch.Conv, "post", p.ID, "question", q.ID)...)
	return p, nil
}

func (e *Engine) cmdAnswer(ctx context.Context, r request) Reply {
	ref, rest := leadingTarget(r.args, r.rest)
	ch, post, err := e.answerChannel(ctx, r, ref)
	if err != nil {
		return e.internalError(r.Event, "load channel", err)
	}
	r.ch = ch
	if len(r.args) == 0 {
		return privateText("Say which choice: `/pyq answer B` (review questions: `/pyq answer A,C`; design questions: `/pyq answer your reasoning`).")
	}
	if id := practiceID(ref); id > 0 {
		return e.answerPractice(ctx, r, id, rest)
	}
	var msg string
	switch {
	case post.ID != 0: // read with the channel
	case ref == "":
		post, msg, err = e.bareAnswerTarget(ctx, r, rest)
	default:
		post, msg, err = e.targetPost(ctx, r, ref)
	}
	if err != nil {
		return e.internalError(r.Event, "find question", err)
	}
	if msg != "" {
		return privateText(msg)
	}
	q := e.bank.Get(post.QuestionID)
	if q == nil {
		return privateText(fmt.Sprintf("Question %s (%s) is no longer in the question bank, so it cannot take answers.", post.ShortRef(), post.QuestionID))
	}
	if !post.Open() {
		return privateText(closedText(q, post))
	}
	keys, text, problem := parseAnswer(q, post.ShortRef(), rest)
	if problem != "" {
		return privateText(problem)
	}
	reason, problem := answerReason(q, post.ShortRef(), rest)
	if problem != "" {
		return privateText(problem)
	}
	// On ErrAlreadyAnswered RecordAnswer returns the first answer: no second round trip for it.
	first, err := e.store.RecordAnswer(ctx, Answer{PostID: post.ID, User: r.User, Keys: keys, Text: text, Reason: reason, AnsweredAt: e.now()})
	switch {
	case errors.Is(err, ErrAlreadyAnswered):
		return privateText(fmt.Sprintf("You already answered %s with %s. Your first answer counts.", post.ShortRef(), describeAnswer(first)))
	case errors.Is(err, ErrClosed):
		return privateText(closedText(q, post))
	case err != nil:
		return e.internalError(r.Event, "record answer", err)
	}
	e.metrics.AnswerRecorded(r.Conv.Platform, post.Kind)
	e.answerCountChanged(ctx, r.ch, post)
	revealed := whenRevealed(e.revealTimeFrom(ctx, r.ch, post, e.answerReveal), e.now(), r.ch.Location())
	return privateText(fmt.Sprintf("Recorded your answer %s to %s. The answer is revealed %s.%s",
		describeAnswer(Answer{Keys: keys, Text: text}), post.ShortRef(), revealed, e.reasonNote(reason, text)))
}

// targetPost finds the question a command is about: the one named by ref ("#12"), or the newest
// open one in the channel. msg explains to the user why there is none.
func (e *Engine) targetPost(ctx context.Context, r request, ref string) (post PostedQuestion, msg string, err error) {
	if ref != "" {
		id, ok := numberRef(ref)
		if !ok {
			return post, fmt.Sprintf("%q is not a question number: use the number from the question, like `#12`.", ref), nil
		}
		post, err = e.store.Post(ctx, id)
		if isNotFound(err) || err == nil && post.ChannelID != r.ch.ID {
			return PostedQuestion{}, fmt.Sprintf("There is no question %s in this channel.", ref), nil
		}
		return post, "", err
	}
	open, err := e.store.OpenPosts(ctx, r.ch.ID)
	if err != nil {
		return post, "", err
	}
	if len(open) > 0 {
		return open[0], "", nil
	}
	// Nothing open: an answer to the question just revealed deserves to hear it is closed.
	latest, err := e.store.LatestPost(ctx, r.ch.ID)
	if isNotFound(err) {
		return post, "No question is open in this channel. Post one with `/pyq today`, or try `/pyq practice` for a private one.", nil
	}
	return latest, "", err
}

func (e *Engine) cmdReveal(ctx context.Context, r request) Reply {
	unlock, err := e.lockChannel(ctx, r.ch.ID)
	if err != nil {
		return e.internalError(r.Event, "lock the channel", err)
	}
	defer unlock()
	var targets []PostedQuestion
	if len(r.args) > 0 {
		post, msg, err := e.targetPost(ctx, r, r.args[0])
		if err != nil {
			return e.internalError(r.Event, "find question", err)
		}
		if msg != "" {
			return privateText(msg)
		}
		if !post.Open() {
			return privateText(fmt.Sprintf("Question %s was already revealed.", post.ShortRef()))
		}
		targets = []PostedQuestion{post}
	} else {
		open, err := e.sentOpenPosts(ctx, r.ch)
		if err != nil {
			return e.internalError(r.Event, "list open questions", err)
		}
		if len(open) == 0 {
			return privateText("Nothing is open in this channel, so there is nothing to reveal.")
		}
		targets = open
	}
	if err := e.closeChannelVotes(ctx, r.ch); err != nil { // a new reveal ends the last one's vote
		return e.internalError(r.Event, "close votes", err)
	}
	for _, p := range targets {
		err := e.RevealPost(ctx, r.ch, p)
		var notPosted *revealNotPostedError
		if errors.As(err, &notPosted) {
			return privateText(notPosted.userText()) // logged where it failed
		}
		if err != nil {
			return e.internalError(r.Event, "reveal", err)
		}
	}
	return Reply{}
}

// revealNotPostedError is a reveal whose question was closed and graded but whose thread reply the
// platform refused: what happened is not "nothing was changed".
type revealNotPostedError struct {
	ref string
	err error
}

func (e *revealNotPostedError) Error() string {
	return fmt.Sprintf("post reveal of %s: %v", e.ref, e.err)
}
func (e *revealNotPostedError) Unwrap() error { return e.err }

func (e *revealNotPostedError) userText() string {
	return fmt.Sprintf("Question %s is closed and its answers are graded, but the platform refused the reveal post, so the thread may not show it. The error was logged for the bot's admin; `/pyq leaderboard` has the points.", e.ref)
}

// RevealPost closes a question, grades its answers in the same transaction, posts the reveal in the
// question's thread and marks the question closed. Revealing one that is already closed does nothing.
func (e *Engine) RevealPost(ctx context.Context, ch Channel, p PostedQuestion) error {
	return e.revealPostNote(ctx, ch, p, "")
}

// revealPostNote is RevealPost with a note at the top of the reveal (a late scheduled reveal says so).
// A debugging challenge's answers are graded against the hints shown before each answer.
func (e *Engine) revealPostNote(ctx context.Context, ch Channel, p PostedQuestion, note string) error {
	q := e.bank.Get(p.QuestionID)
	hintsBefore, err := e.hintsShownBefore(ctx, p)
	if err != nil {
		return err
	}
	grade := func(a Answer, streak int) Grade {
		if q == nil {
			return withdrawnGrade // nothing to judge it against (withdrawn.go)
		}
		return ScoreWithHints(q, a.Keys, a.Text, streak, hintsBefore(a.AnsweredAt))
	}
	answers, err := e.store.CloseAndGrade(ctx, p.ID, e.now(), grade)
	e.forgetAnswerReads() // closed (or found closed): keep nothing read while it was open
	if errors.Is(err, ErrClosed) {
		return nil
	}
	if err != nil {
		return err
	}
	a, err := e.adapter(ch.Conv.Platform)
	if err != nil {
		return err
	}
	for _, ans := range answers {
		if !ans.Unjudged {
			e.applyReview(ctx, ch, ans.User, q, ans.Correct) // wrong or partly right: it comes back
		}
	}
	var cands []Answer
	var numbers map[int64]int
	closed := withdrawnClosedPost(p)
	if q != nil {
		cands = voteCandidates(q, answers)
		numbers = e.openVote(ctx, ch, p, cands)
		closed = closedQuestionPost(q, p)
	}
	sendErr := e.postReveal(ctx, a, ch, q, p, answers, cands, numbers, e.now().Add(VoteWindow), note)
	// The question is closed and graded whatever happened to the reveal, so it must stop showing
	// its buttons either way.
	if ed, ok := a.(Editor); ok && !p.Ref.IsZero() {
		if err := ed.Edit(ctx, ch.Conv, p.Ref, closed); err != nil {
			e.log.Warn("marking question closed failed", convArgs(ch.Conv, "post", p.ID, "err", err)...)
		}
	}
	if sendErr != nil {
		return &revealNotPostedError{ref: p.ShortRef(), err: sendErr}
	}
	e.log.Info("question revealed", convArgs(ch.Conv, "post", p.ID, "answers", len(answers))...)
	return nil
}

// postReveal posts the reveal of p, graded (answers), in its thread, and then the vote control when
// numbers has the explanations of a round that closes at closes. A refusal is logged here: the
// question stays closed and graded anyway.
func (e *Engine) postReveal(ctx context.Context, a Adapter, ch Channel, q *Question, p PostedQuestion, answers, cands []Answer,
	numbers map[int64]int, closes time.Time, note string) error {
	var reveal Post
	if q == nil {
		reveal = withdrawnRevealPost(p, answers)
	} else {
		reveal = revealPost(q, p, answers, numbers)
		reveal.Rubric = e.rubricControl(q, p, answers)
	}
	reveal.Text = withNote(note, reveal.Text)
	if !p.Ref.IsZero() {
		reveal.Thread = &p.Ref
	}
	if _, err := e.send(ctx, a, ch, reveal); err != nil {
		e.log.Error("posting reveal failed", convArgs(ch.Conv, "post", p.ID, "err", err)...)
		return err
	}
	if numbers != nil {
		e.sendVoteControl(ctx, a, ch, p, cands, closes) // after the reveal, so it follows the numbered list
	}
	return nil
}
