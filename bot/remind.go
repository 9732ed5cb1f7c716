package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Reminders (`/pyq remind`) are the one message pyqbot sends a person unprompted: on a question day,
// one private note a set time before the reveal of their team channel, if they have not answered.
// They are off until the person turns them on, and belong to the person within a workspace, like
// streaks and reviews.

// Reminder lead bounds: under 10 minutes a reminder comes too late to act on; more than 12 hours
// before a 17:00 reveal is before a 09:00 question is even posted.
const (
	DefaultReminderLead = time.Hour
	MinReminderLead     = 10 * time.Minute
	MaxReminderLead     = 12 * time.Hour
)

// DirectMessenger is an adapter that can reach one user privately, outside any command (a Slack DM,
// a Discord DM channel, the terminal). The engine finds it by type assertion; without it
// `/pyq remind on` says the platform cannot send reminders.
type DirectMessenger interface {
	// SendDirect sends p to user privately in conv's workspace. It returns an error matching
	// ErrUnreachable when the platform will not deliver to this user (Discord: they block direct
	// messages from server members); any other error is a failure that may pass.
	SendDirect(ctx context.Context, conv Conversation, user string, p Post) error
}

// ErrUnreachable is matched (errors.Is) by a DirectMessenger error that means the platform refuses
// to deliver a private message to that user: retrying will not help until the user changes their
// settings, so the engine records it and `/pyq me` says reminders could not be delivered.
var ErrUnreachable = errors.New("the user cannot be reached by a private message")

// Unreachable is how a DirectMessenger says the platform refused the user: it matches
// ErrUnreachable, and Fix says in the platform's words what the user can change, for `/pyq me`
// (e.g. "you do not accept direct messages from this server's members: …").
type Unreachable struct {
	Fix string
	Err error // the platform's answer, for the log
}

func (u *Unreachable) Error() string        { return u.Err.Error() }
func (u *Unreachable) Unwrap() error        { return u.Err }
func (u *Unreachable) Is(target error) bool { return target == ErrUnreachable }

// unreachableFix is what `/pyq me` says the user can do about err.
func unreachableFix(err error) string {
	var u *Unreachable
	if errors.As(err, &u) && u.Fix != "" {
		return u.Fix
	}
	return "the platform refused to deliver it"
}

// ReminderSetting is one user's reminder choice in a workspace.
type ReminderSetting struct {
	On   bool
	Lead time.Duration // how long before the reveal
	// ChannelID is where the user set it (0 for none): the channel whose reveal counts until they
	// answer a team question, after which their most recent team channel does.
	ChannelID int64
	UpdatedAt time.Time
	// UnreachableAt is the last time the platform refused to deliver a reminder (zero when the last
	// one went through), with what it said.
	UnreachableAt   time.Time
	UnreachableNote string
}

// Subscriber is a user with reminders on, as the scheduler reads them.
type Subscriber struct {
	WorkspaceID int64
	Platform    string
	Workspace   string // the platform's workspace id
	UserID      string // the platform's user id
	Setting     ReminderSetting
	// Channel is the channel the setting names (Setting.ChannelID), zero when it has none.
	Channel Channel
	// LastTeam is the channel of the team question the user answered last in the workspace (as
	// Store.LastTeamChannel says), zero when none: read with the subscribers, so a reminder pass
	// makes no query per subscriber.
	LastTeam Channel
}

// ReminderState is where one day's reminder to a user stands.
type ReminderState string

const (
	ReminderClaimed     ReminderState = "claimed"     // being sent, or its sender died mid-send: never resent
	ReminderSent        ReminderState = "sent"        // the platform accepted it
	ReminderUnreachable ReminderState = "unreachable" // the platform refused this user (ErrUnreachable)
	ReminderFailed      ReminderState = "failed"      // a platform error before delivery: may be claimed again
)

// ReminderClaim is the stored record of one day's reminder to a user.
type ReminderClaim struct {
	Day       string // the rule channel's local date
	PostID    int64
	State     ReminderState
	Owner     string
	ClaimedAt time.Time
	Attempts  int
	Note      string
}

// ReminderStore keeps reminder settings and the daily claims that make a reminder go out at most
// once per user and day, across processes on one database. storage.DB implements it; the engine
// finds it on Config.Store by type assertion.
type ReminderStore interface {
	// SetReminder stores the user's setting in the workspace (creating the user when new) and clears
	// a recorded delivery failure.
	SetReminder(ctx context.Context, workspaceID int64, u User, s ReminderSetting) error
	// Reminder returns the user's setting; ErrNotFound when they never set one.
	Reminder(ctx context.Context, workspaceID int64, userID string) (ReminderSetting, error)
	// Subscribers lists every user with reminders on, outside paused (uninstalled) workspaces.
	Subscribers(ctx context.Context) ([]Subscriber, error)
	// ClaimReminder claims the user's reminder for day, reporting true when the caller now owns it:
	// nobody claimed that day, or its claim failed before delivery and has fewer than maxAttempts
	// attempts. A claim in any other state is final.
	ClaimReminder(ctx context.Context, workspaceID int64, userID, day string, postID int64, owner string, at time.Time, maxAttempts int) (bool, error)
	// FinishReminder records how the claimed reminder ended. ReminderUnreachable also marks the
	// user's setting unreachable (at, note); ReminderSent clears that mark.
	FinishReminder(ctx context.Context, workspaceID int64, userID, day string, state ReminderState, note string, at time.Time) error
	// ReminderClaims lists the user's claims, oldest day first (for `/pyq me`, tests and diagnostics).
	ReminderClaims(ctx context.Context, workspaceID int64, userID string) ([]ReminderClaim, error)
}

const remindUsage = "Use `/pyq remind on`, `/pyq remind off`, or how long before the reveal, e.g. `/pyq remind 30m` or `/pyq remind 2h` " +
	"(from 10m to 12h; the default is 1h)."

func (e *Engine) cmdRemind(ctx context.Context, r request) Reply {
	rs := e.store
	cur, err := rs.Reminder(ctx, r.ch.WorkspaceID, r.User.ID)
	if err != nil && !isNotFound(err) {
		return e.internalError(r.Event, "load reminder", err)
	}
	if isNotFound(err) {
		cur = ReminderSetting{Lead: DefaultReminderLead}
	}
	if len(r.args) == 0 {
		return privateText(reminderStatus(cur) + " " + remindUsage)
	}
	if len(r.args) > 1 {
		return privateText(fmt.Sprintf("`/pyq remind` takes one word, not %d. %s Nothing was changed.", len(r.args), remindUsage))
	}
	next := cur
	switch word := strings.ToLower(r.args[0]); word {
	case "on":
		next.On = true
	case "off":
		next.On = false
	default:
		lead, err := ParseReminderLead(word)
		if err != nil {
			return privateText(userMessage(err))
		}
		next.On, next.Lead = true, lead
	}
	if next.On {
		a, err := e.adapter(r.Conv.Platform)
		if _, can := a.(DirectMessenger); err != nil || !can {
			return privateText(fmt.Sprintf("Reminders come as a private message, and pyqbot cannot send one on %s, so they stay off. "+
				"`/pyq me` shows what the open question needs instead. Nothing was changed.", platformName(r.Conv.Platform)))
		}
	}
	ruleCh, err := e.ruleChannel(ctx, r)
	if err != nil {
		return e.internalError(r.Event, "team channel", err)
	}
	next.ChannelID = ruleCh.ID
	next.UpdatedAt = e.now()
	next.UnreachableAt, next.UnreachableNote = time.Time{}, ""
	if err := rs.SetReminder(ctx, r.ch.WorkspaceID, r.User, next); err != nil {
		return e.internalError(r.Event, "save reminder", err)
	}
	e.WakeScheduler() // a reminder due now goes out on this tick, not after the loop's wait
	if !next.On {
		return privateText("Reminders are off: pyqbot will not message you unprompted. Turn them on again with `/pyq remind on`.")
	}
	return privateText(fmt.Sprintf("Reminders are on: on a question day, if you have not answered the open question before the reveal, "+
		"pyqbot sends you one private message %s before it (at most one a day). The reveal is that of the team channel you last answered in "+
		"(until then, the channel you turned them on from).%s Change the time with `/pyq remind 30m`; stop with `/pyq remind off`.",
		leadText(next.Lead), e.reminderToday(ctx, r, next, ruleCh)))
}

// reminderToday is what the new setting means today: " Today's comes at 16:00 UTC (in 6h 0m), unless
// you answer first.", " Today's question is open and unanswered: the reminder comes in a moment.",
// or "" when there is none to come today. It is a courtesy: a failure to work it out says nothing.
func (e *Engine) reminderToday(ctx context.Context, r request, s ReminderSetting, ruleCh Channel) string {
	now := e.now()
	sub := Subscriber{WorkspaceID: r.ch.WorkspaceID, Platform: r.Conv.Platform, Workspace: r.Conv.Workspace, UserID: r.User.ID,
		Setting: s, Channel: ruleCh}
	d, due, next, err := e.reminderFor(ctx, sub, now, map[int64]*channelView{})
	switch {
	case err != nil:
		return ""
	case due:
		claims, err := e.store.ReminderClaims(ctx, r.ch.WorkspaceID, r.User.ID)
		if err != nil {
			return ""
		}
		for _, c := range claims {
			if c.Day == d.day {
				return "" // today's is already sent (or on its way): never a second
			}
		}
		return fmt.Sprintf(" %s is open and you have not answered it: the reminder comes in a moment.", d.posts[0].ShortRef())
	case !next.IsZero():
		return " Today's comes " + formatWhen(next, now, d.ch.Location()) + ", unless you answer first."
	}
	return ""
}

// reminderLine is what `/pyq me` says about reminders: nothing while they are off and nothing went
// wrong, else their setting, and a plain warning when the platform refused the last one.
func (e *Engine) reminderLine(ctx context.Context, r request) (string, error) {
	rs := e.store
	s, err := rs.Reminder(ctx, r.ch.WorkspaceID, r.User.ID)
	if isNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return reminderMeLine(s, r.Conv.Platform), nil
}
