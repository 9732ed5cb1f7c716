package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
)

func (e *Engine) cmdPractice(ctx context.Context, r request) Reply {
	reported, err := e.hiddenQuestions(ctx, r.ch.WorkspaceID)
	if err != nil {
		return e.internalError(r.Event, "reported questions", err)
	}
	// A question open as a team post anywhere in the workspace is not practised (nor reviewed)
	// until its reveal: practice's instant feedback would give away the answer the team is still
	// working out.
	open, err := e.store.OpenQuestions(ctx, r.ch.WorkspaceID)
	if err != nil {
		return e.internalError(r.Event, "open team questions", err)
	}
	hidden := map[string]bool{}
	maps.Copy(hidden, reported)
	maps.Copy(hidden, open)
	if len(r.args) == 0 {
		// Due reviews come first: the question you missed is the one worth practising.
		if reply, ok := e.serveReview(ctx, r, hidden); ok {
			return reply
		}
	}
	f, bad, repeat, extra := practiceFilter(e.bank, r.args)
	c, _ := commandByName("practice")
	switch {
	case bad != "":
		words := append(append(topicNames(e.bank), difficultyNames()...), kindNames()...)
		return privateText(fmt.Sprintf("There is no topic, difficulty or kind called %q. %s", bad, suggestion(strings.ToLower(bad), words)))
	case repeat != "":
		return c.refuseWords("Give each word once to", repeat)
	case extra != "":
		return c.tooManyWordsBecause(extra)
	}
	// One path with or without words: they narrow the questions, and the pick adapts within them.
	pick, err := e.adaptivePractice(ctx, r.ch.WorkspaceID, r.User.ID, f, hidden)
	if err != nil {
		return e.internalError(r.Event, "adaptive practice", err)
	}
	if pick.q == nil {
		if openMatch(e.bank, f, open) {
			return privateText("The only questions that match are open as team questions right now: answer them there. They come back to practice after the reveal.")
		}
		return privateText("No question matches that. See `/pyq topics` for what there is.")
	}
	return e.servePractice(ctx, r, pick.q, nil, "Practice: "+pick.q.Title, "Picked for you — "+pick.reason+".")
}

// openMatch reports whether f allows one of the open team questions, which practice left out.
func openMatch(bank *Bank, f Filter, open map[string]bool) bool {
	for id := range open {
		if q := bank.Get(id); q != nil && f.Allows(q) {
			return true
		}
	}
	return false
}

// serveReview serves the user's oldest due review, if any is still in the bank and not hidden: by
// reports (a question reported as wrong is not worth drilling until it is fixed) or by being open
// as a team question.
func (e *Engine) serveReview(ctx context.Context, r request, hidden map[string]bool) (Reply, bool) {
	due, err := e.store.DueReviews(ctx, r.ch.WorkspaceID, r.User.ID, ReviewDueBy(e.now(), r.ch.Location()))
	if err != nil {
		return e.internalError(r.Event, "due reviews", err), true
	}
	for _, rv := range due {
		q := e.bank.Get(rv.QuestionID)
		if q == nil || len(q.Choices) < 2 || hidden[q.ID] {
			continue
		}
		return e.servePractice(ctx, r, q, e.newOrder(q), reviewTitle(rv.MissedAt, r.ch.Location()), ""), true
	}
	return Reply{}, false
}

// servePractice stores a practice question (a review when order is set: its choices are shown in
// that order of the bank's keys) and shows it privately.
func (e *Engine) servePractice(ctx context.Context, r request, q *Question, order []string, title, note string) Reply {
	p, err := e.store.CreatePractice(ctx, Practice{
		WorkspaceID: r.ch.WorkspaceID, User: r.User, QuestionID: q.ID, Topic: q.Topic, Kind: q.Kind, AskedAt: e.now(),
		Order: order, Review: order != nil,
	})
	if err != nil {
		return e.internalError(r.Event, "create practice", err)
	}
	q = shuffledChoices(q, order)
	return Reply{Private: true, Post: practicePost(q, fmt.Sprintf("p%d", p.ID), title, note)}
}

func (e *Engine) answerPractice(ctx context.Context, r request, id int64, rest string) Reply {
	ref := fmt.Sprintf("p%d", id)
	p, err := e.store.Practice(ctx, id)
	// Another workspace's practice is not yours here (a Discord user id is the same in every guild):
	// answering it from here would dodge the check below on the other workspace's open questions.
	if isNotFound(err) || err == nil && (p.User.ID != r.User.ID || p.WorkspaceID != r.ch.WorkspaceID) {
		return privateText(fmt.Sprintf("You have no practice question %s. Start one with `/pyq practice`.", ref))
	}
	if err != nil {
		return e.internalError(r.Event, "load practice", err)
	}
	q := e.bank.Get(p.QuestionID)
	if q == nil {
		return privateText(fmt.Sprintf("Practice question %s is no longer in the bank. Try `/pyq practice` for another.", ref))
	}
	if !p.AnsweredAt.IsZero() {
		return privateText(fmt.Sprintf("You already answered %s. `/pyq practice` gives you another.", ref))
	}
	// Served before the team got the same question: its feedback would now give the team's answer
	// away, so it waits for the reveal (the practice stays unanswered).
	open, err := e.store.OpenQuestions(ctx, r.ch.WorkspaceID)
	if err != nil {
		return e.internalError(r.Event, "open team questions", err)
	}
	if open[q.ID] {
		return privateText(fmt.Sprintf("%s is open as a team question right now: answer it there. Your practice answer to %s is taken after the reveal.", q.Title, ref))
	}
	q = shuffledChoices(q, p.Order)
	keys, text, problem := parseAnswer(q, ref, rest)
	if problem != "" {
		return privateText(problem)
	}
	g := Score(q, keys, text, 1)
	if _, err := e.store.AnswerPractice(ctx, id, keys, g.Correct, e.now()); err != nil {
		if errors.Is(err, ErrAlreadyAnswered) {
			return privateText(fmt.Sprintf("You already answered %s. `/pyq practice` gives you another.", ref))
		}
		return e.internalError(r.Event, "record practice", err)
	}
	e.applyReview(ctx, r.ch, r.User, q, g.Correct)
	return Reply{Private: true, Post: practiceFeedbackPost(q, ref, keys, g)}
}
