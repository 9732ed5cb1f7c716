package bot

import (
	"context"
	"time"
)

// SignatureWindow is how far from now a signed request's timestamp may be, in either direction,
// before an adapter refuses it as stale (Slack's rule, and pyqbot's for Discord).
const SignatureWindow = 5 * time.Minute

// ReplayMemory is how long a claimed replay key is remembered: a request stamped up to
// SignatureWindow in the future stays acceptable until SignatureWindow after it, so one signature
// can arrive during twice the window.
const ReplayMemory = 2 * SignatureWindow

// Kinds of replay key in the shared table.
const (
	ReplayRequest = "request" // a signed request or delivery, by its signature or delivery id
	ReplayEvent   = "event"   // a platform event id (Slack's Events API event_id): retries repeat it
)

// ReplayStore remembers the requests and events already acted on, so a captured request re-sent
// byte for byte, or a platform's redelivery, changes nothing the second time. It lives in the
// database, so the memory holds across restarts and across processes on one database.
type ReplayStore interface {
	// ClaimReplay records that key, of kind, was acted on at `at`, and forgets claims of that kind
	// older than at-keep. It reports false, recording nothing, when key was already claimed since
	// at-keep. Two processes claiming one key at once: exactly one gets true.
	ClaimReplay(ctx context.Context, kind, key string, at time.Time, keep time.Duration) (bool, error)
}

// replayText is the reply to a replayed state-changing request.
const replayText = "This exact request was already received, so it was not run again. If you meant to run the command twice, type it again."

// claimsReplay reports whether command name with args changes shared state (posts, reveals,
// schedules, filters), so a replay of it must be refused. Answers are left out on purpose: the
// first answer locks, so replaying one changes nothing, and the answer path gets no extra write.
// Listing a schedule or filter changes nothing either.
func claimsReplay(name string, args []string) bool {
	switch name {
	case "today", "reveal", "vote": // a vote can change, so an old one replayed would undo a newer one
		return true
	case "report": // replayed after an admin cleared it, it would open the report again
		return true
	case "schedule", "filter", "reports", "remind": // an old "remind off" replayed would undo a newer "on"
		return len(args) > 0
	case "rubric": // ticks can change, like a vote; showing the checklist changes nothing
		return len(args) > 1 || len(args) == 1 && args[0] != "" && args[0][0] != '#'
	}
	return false
}

// refuseReplay claims the event's replay key when its command changes shared state. It returns a
// reply when the event must not run: a replay, or a store failure (nothing has run yet).
func (e *Engine) refuseReplay(ctx context.Context, ev Event, name string, args []string) (Reply, bool) {
	if ev.ReplayKey == "" || !claimsReplay(name, args) {
		return Reply{}, false
	}
	first, err := e.store.ClaimReplay(ctx, ReplayRequest, ev.Conv.Platform+":"+ev.ReplayKey, e.now(), ReplayMemory)
	if err != nil {
		return e.internalError(ev, "claim request", err), true
	}
	if !first {
		e.log.Warn("replayed request refused", convArgs(ev.Conv, "user", ev.User.ID, "command", name)...)
		return privateText(replayText), true
	}
	return Reply{}, false
}
