package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/bot/scheduler"
)

// How reminders go out exactly once
//
// Every scheduler tick looks at each user with reminders on. Their rule channel is the channel of
// the team question they answered last in the workspace, else the channel they turned reminders on
// from. A reminder is due there when a question posted today (the channel's local date) is still
// open, the user has not answered it, and now is in [reveal-lead, reveal). A lead longer than the
// time from post to reveal sends it when the question is posted.
//
// Before sending, the (user, day) pair is claimed in the database with an INSERT only one process
// can win (PRIMARY KEY (user_id, day)), so two processes on one database, or a restart, send it at
// most once, and never twice in a day. The chosen trade-off after a crash: a claim left in state
// "claimed" is never taken over, because the platform may already have delivered it; that day's
// reminder is then lost rather than doubled (a reminder is a courtesy, a duplicate an annoyance).
// A platform error returned before delivery marks the claim "failed", and the next tick may claim
// it again, up to reminderAttempts in all, while the question is open. A platform that refuses the
// user (ErrUnreachable) ends the day's claim and marks the user's setting, so `/pyq me` says so.

// reminderAttempts bounds the sends of one day's reminder that the platform failed.
const reminderAttempts = 3

// reminderDue is one reminder to send now.
type reminderDue struct {
	sub    Subscriber
	ch     Channel
	day    string
	posts  []PostedQuestion // the user's unanswered questions of the day, revealed first first
	reveal time.Time
	// dayAnswered: the user answered another question of the day, so the streak is safe already.
	dayAnswered bool
}

// channelView is what a tick reads of one rule channel, shared by its subscribers.
type channelView struct {
	open     []PostedQuestion
	reveal   map[int64]time.Time
	answered map[int64]map[string]bool // post id -> user ids that answered
}

// sendDueReminders sends every reminder due at now that nobody has claimed yet. Reading who is due
// is serial (one view of each channel a tick); the sends run concurrently, at most the platform's
// PostConcurrency at once, as scheduled posts do, so a thousand reminders at 16:00 do not hold up the
// next tick. Errors of single reminders are logged and joined; one user's failure stops no other.
func (e *Engine) sendDueReminders(ctx context.Context, now time.Time) error {
	rs := e.store
	dues, _, err := e.dueReminders(ctx, now)
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	if err != nil {
		errs = append(errs, err)
	}
	for _, d := range dues {
		sem := e.sched.run.Limit(d.sub.Platform)
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			if err := e.sendReminder(ctx, rs, d, now); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("reminder for %s: %w", d.sub.UserID, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// dueReminders lists the reminders due at now and when the next one falls due after now (zero
// when none is pending today). A subscriber whose state cannot be read is joined into err and
// skipped; the others still go out.
func (e *Engine) dueReminders(ctx context.Context, now time.Time) ([]reminderDue, time.Time, error) {
	rs := e.store
	subs, err := rs.Subscribers(ctx)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("reminder subscribers: %w", err)
	}
	views := map[int64]*channelView{}
	var (
		dues []reminderDue
		next time.Time
		errs []error
	)
	for _, sub := range subs {
		if ctx.Err() != nil {
			break
		}
		d, ok, at, err := e.reminderFor(ctx, sub, now, views)
		if err != nil {
			errs = append(errs, fmt.Errorf("reminder for %s: %w", sub.UserID, err))
			continue
		}
		if ok {
			dues = append(dues, d)
		}
		if !at.IsZero() && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	return dues, next, errors.Join(errs...)
}

// reminderFor says whether sub is due a reminder now, and about which questions; next is when one
// of today's unanswered questions makes a reminder due later (zero for none).
func (e *Engine) reminderFor(ctx context.Context, sub Subscriber, now time.Time, views map[int64]*channelView) (d reminderDue, ok bool, next time.Time, err error) {
	ch := sub.LastTeam
	if ch.ID == 0 {
		if sub.Channel.ID == 0 {
			return reminderDue{}, false, time.Time{}, nil
		}
		ch = sub.Channel
	}
	v, err := e.channelView(ctx, ch, now, views)
	if err != nil {
		return reminderDue{}, false, time.Time{}, err
	}
	today := LocalDay(now, ch.Location())
	d = reminderDue{sub: sub, ch: ch, day: today}
	for _, p := range v.open {
		reveal := v.reveal[p.ID]
		if p.Day == today && v.answered[p.ID][sub.UserID] {
			d.dayAnswered = true
		}
		if p.Day != today || v.answered[p.ID][sub.UserID] || reveal.IsZero() || !now.Before(reveal) {
			continue
		}
		if at := reveal.Add(-sub.Setting.Lead); now.Before(at) {
			if next.IsZero() || at.Before(next) {
				next = at
			}
			continue
		}
		d.posts = append(d.posts, p)
	}
	if len(d.posts) == 0 {
		return reminderDue{}, false, next, nil
	}
	sort.SliceStable(d.posts, func(i, j int) bool { return v.reveal[d.posts[i].ID].Before(v.reveal[d.posts[j].ID]) })
	d.reveal = v.reveal[d.posts[0].ID]
	return d, true, next, nil
}

// channelView loads the channel's open questions, their reveal times and who answered them, once a tick.
func (e *Engine) channelView(ctx context.Context, ch Channel, now time.Time, views map[int64]*channelView) (*channelView, error) {
	if v, ok := views[ch.ID]; ok {
		return v, nil
	}
	open, err := e.store.OpenPosts(ctx, ch.ID)
	if err != nil {
		return nil, err
	}
	v := &channelView{open: open, reveal: map[int64]time.Time{}, answered: map[int64]map[string]bool{}}
	if len(open) > 0 {
		var schedules []Schedule
		var skip scheduler.SkipDays
		if e.Scheduling() {
			if schedules, err = e.schedules(ctx, ch.ID); err != nil {
				return nil, err
			}
			if skip, err = e.skipDays(ctx, ch); err != nil {
				return nil, err
			}
		}
		for _, p := range open {
			v.reveal[p.ID] = e.revealFor(ch, p, schedules, skip, now)
			answers, err := e.store.Answers(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			who := map[string]bool{}
			for _, a := range answers {
				who[a.User.ID] = true
			}
			v.answered[p.ID] = who
		}
	}
	views[ch.ID] = v
	return v, nil
}

// sendReminder claims the day's reminder and sends it. Losing the claim is not an error: another
// process, or an earlier tick, has it.
func (e *Engine) sendReminder(ctx context.Context, rs ReminderStore, d reminderDue, now time.Time) error {
	a, err := e.adapter(d.sub.Platform)
	if err != nil {
		return nil // this process does not run that platform; one that does sends it
	}
	dm, ok := a.(DirectMessenger)
	if !ok {
		e.logOnce("no direct messages "+d.sub.Platform, "reminders are on for users of a platform whose adapter cannot send private messages; they are not sent",
			"platform", d.sub.Platform)
		return nil
	}
	conv := Conversation{Platform: d.sub.Platform, Workspace: d.sub.Workspace, Channel: d.ch.Conv.Channel}
	ctx, done := e.inflight.Begin(ctx, Op{Kind: OpScheduled, Conv: conv, User: d.sub.UserID, What: "reminder"})
	defer done()
	won, err := rs.ClaimReminder(ctx, d.sub.WorkspaceID, d.sub.UserID, d.day, d.posts[0].ID, e.sched.run.Owner(), now, reminderAttempts)
	if err != nil || !won {
		return err
	}
	post := e.reminderPost(d, now)
	if !d.dayAnswered {
		post.Text += e.streakAtStake(ctx, d)
	}
	sendErr := dm.SendDirect(ctx, conv, d.sub.UserID, post)
	state, note := ReminderSent, ""
	switch {
	case errors.Is(sendErr, ErrUnreachable):
		state, note = ReminderUnreachable, unreachableFix(sendErr)
		e.log.Warn("reminder not delivered: the platform refuses private messages to this user; /pyq me tells them",
			convArgs(conv, "user", d.sub.UserID, "day", d.day, "err", sendErr)...)
		sendErr = nil
	case sendErr != nil:
		state, note = ReminderFailed, sendErr.Error()
		e.log.Error("sending a reminder failed; the next tick tries again while the question is open",
			convArgs(conv, "user", d.sub.UserID, "day", d.day, "err", sendErr)...)
	default:
		e.log.Info("reminder sent", convArgs(conv, "user", d.sub.UserID, "day", d.day, "post", d.posts[0].ID)...)
	}
	e.metrics.ReminderDone(d.sub.Platform, state)
	if err := rs.FinishReminder(context.WithoutCancel(ctx), d.sub.WorkspaceID, d.sub.UserID, d.day, state, note, now); err != nil {
		return errors.Join(sendErr, err)
	}
	return sendErr
}

// streakAtStake is what missing the day costs, e.g. " Missing it ends your streak of 12." ("" when
// there is no streak, or it cannot be read: the reminder goes out without it).
func (e *Engine) streakAtStake(ctx context.Context, d reminderDue) string {
	days, err := e.store.QuestionDays(ctx, d.sub.WorkspaceID, d.sub.UserID, MaxStreakDays)
	if err != nil {
		e.log.Warn("reading the streak for a reminder failed; it goes out without it", "user", d.sub.UserID, "err", err)
		return ""
	}
	return streakStakeText(streakOfDays(days))
}
