package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// How questions are reported
//
// Anyone can say a question looks wrong or unclear (`/pyq report [#N] TEXT`); admins list the open
// reports (`/pyq reports`) and clear them when the question is fixed or the report is wrong. A
// question with HideAtReports open reports in a workspace is not picked there (team questions,
// practice, reviews) until they are cleared: a broken question stops costing people points at
// once, without waiting for an admin. Each user has at most one open report per question, so it
// takes two people to hide one.

const (
	// MaxReportLen caps a report's text: enough to say what is wrong and why.
	MaxReportLen = 500
	// HideAtReports is how many open reports keep a question from being picked in a workspace.
	HideAtReports = 2
)

// ErrAlreadyReported is CreateReport's answer when the user has an open report on the question.
var ErrAlreadyReported = errors.New("already reported")

// Report is one user's report on a question.
type Report struct {
	ID         int64
	QuestionID string
	PostID     int64 // the team question it was made about; 0 for a practice question
	User       User
	Text       string
	CreatedAt  time.Time
	ClearedAt  time.Time // zero while open
	ClearedBy  string    // the admin's user id
}

// ReportStore keeps reports, per workspace.
type ReportStore interface {
	// CreateReport records r. ErrAlreadyReported when r.User has an open report on r.QuestionID.
	CreateReport(ctx context.Context, workspaceID int64, r Report) (Report, error)
	// OpenReports lists the workspace's open reports, oldest first.
	OpenReports(ctx context.Context, workspaceID int64) ([]Report, error)
	// ClearReport closes an open report. ErrNotFound when the workspace has no open report id.
	ClearReport(ctx context.Context, workspaceID, id int64, by string, at time.Time) (Report, error)
	// ReportedQuestions is the set of questions with at least min open reports in the workspace.
	ReportedQuestions(ctx context.Context, workspaceID int64, min int) (map[string]bool, error)
}

// hiddenQuestions is the set of questions not to pick in the workspace.
func (e *Engine) hiddenQuestions(ctx context.Context, workspaceID int64) (map[string]bool, error) {
	return e.store.ReportedQuestions(ctx, workspaceID, HideAtReports)
}

func (e *Engine) cmdReport(ctx context.Context, r request) Reply {
	const usage = "Say what is wrong, e.g. `/pyq report #12 the answer should be B`, and nothing was recorded."
	ref, text := leadingTarget(r.args, r.rest)
	text = strings.TrimSpace(text)
	if text == "" {
		return privateText("Your report is empty. " + usage)
	}
	if n := utf8.RuneCountInString(text); n > MaxReportLen {
		return privateText(fmt.Sprintf("Your report is %d characters; the limit is %d, so nothing was recorded. Shorten it and send it again.", n, MaxReportLen))
	}
	rep := Report{User: r.User, Text: text, CreatedAt: e.now()}
	label, msg, err := e.reportTarget(ctx, r, ref, &rep)
	if err != nil {
		return e.internalError(r.Event, "find reported question", err)
	}
	if msg != "" {
		return privateText(msg)
	}
	rep, err = e.store.CreateReport(ctx, r.ch.WorkspaceID, rep)
	switch {
	case errors.Is(err, ErrAlreadyReported):
		return privateText(fmt.Sprintf("You already reported %s, and your report is still open, so nothing new was recorded. Admins see it with `/pyq reports`.", label))
	case err != nil:
		return e.internalError(r.Event, "record report", err)
	}
	e.log.Info("question reported", convArgs(r.Conv, "user", r.User.ID, "question", rep.QuestionID, "report", rep.ID)...)
	return privateText(fmt.Sprintf("Thanks: your report %d on %s is recorded. Admins see it with `/pyq reports`. A question with %d open reports is not asked again in this workspace until they are cleared.",
		rep.ID, label, HideAtReports))
}

// reportTarget fills in the question rep is about: #N (a team question of this workspace), pN (the
// user's practice question), or the latest question of the channel (from a DM: of the user's most
// recent team channel). label names it in replies; msg says why there is none.
func (e *Engine) reportTarget(ctx context.Context, r request, ref string, rep *Report) (label, msg string, err error) {
	if id := practiceID(ref); id > 0 {
		p, err := e.store.Practice(ctx, id)
		if isNotFound(err) || err == nil && (p.User.ID != r.User.ID || p.WorkspaceID != r.ch.WorkspaceID) {
			return "", fmt.Sprintf("You have no practice question %s, so nothing was recorded.", ref), nil
		}
		if err != nil {
			return "", "", err
		}
		rep.QuestionID = p.QuestionID
		return fmt.Sprintf("practice question %s (%s)", ref, p.QuestionID), "", nil
	}
	var post PostedQuestion
	if ref != "" {
		id, ok := numberRef(ref)
		if !ok {
			return "", fmt.Sprintf("%q is not a question number: use the number from the question, like `#12`. Nothing was recorded.", ref), nil
		}
		post, err = e.store.Post(ctx, id)
		if isNotFound(err) || err == nil && post.WorkspaceID != r.ch.WorkspaceID {
			return "", fmt.Sprintf("There is no question %s in this workspace, so nothing was recorded.", ref), nil
		}
		if err != nil {
			return "", "", err
		}
	} else {
		ch, err := e.ruleChannel(ctx, r)
		if err != nil {
			return "", "", err
		}
		post, err = e.store.LatestPost(ctx, ch.ID)
		if isNotFound(err) {
			return "", "No question was posted here yet, so nothing was recorded. Say which one, e.g. `/pyq report #12 the answer should be B`.", nil
		}
		if err != nil {
			return "", "", err
		}
	}
	rep.QuestionID, rep.PostID = post.QuestionID, post.ID
	return fmt.Sprintf("%s (%s)", post.ShortRef(), post.QuestionID), "", nil
}

func (e *Engine) cmdReports(ctx context.Context, r request) Reply {
	switch action, ok := reportsAction(r.args); {
	case !ok:
		return privateText(fmt.Sprintf("`/pyq reports %s` is not something I can do. %s", r.args[0], suggestion(r.args[0], argValues("reports", "action"))))
	case action == "list":
		return e.listReports(ctx, r)
	}
	if len(r.args) != 2 {
		return privateText("Say which report to clear, by the number `/pyq reports` shows: `/pyq reports clear 3`.")
	}
	id, ok := numberRef(r.args[1])
	if !ok {
		return privateText(fmt.Sprintf("%q is not a report number: `/pyq reports` lists them.", r.args[1]))
	}
	rep, err := e.store.ClearReport(ctx, r.ch.WorkspaceID, id, r.User.ID, e.now())
	if isNotFound(err) {
		return privateText(fmt.Sprintf("There is no open report %d in this workspace: `/pyq reports` lists the open ones.", id))
	}
	if err != nil {
		return e.internalError(r.Event, "clear report", err)
	}
	e.log.Info("report cleared", convArgs(r.Conv, "user", r.User.ID, "question", rep.QuestionID, "report", rep.ID)...)
	return privateText(fmt.Sprintf("Cleared report %d on %s.", rep.ID, rep.QuestionID))
}

func (e *Engine) listReports(ctx context.Context, r request) Reply {
	reports, err := e.store.OpenReports(ctx, r.ch.WorkspaceID)
	if err != nil {
		return e.internalError(r.Event, "open reports", err)
	}
	return Reply{Private: true, Post: reportsPost(reports, r.ch.Location())}
}
