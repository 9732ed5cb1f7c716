package slack

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/bot"
)

// userTTL is how long what users.info said about a user is trusted for admin rights: a demoted admin
// loses admin commands within this time. Names are used however old they are (and refreshed).
const userTTL = 10 * time.Minute

// lookupBackoff is how long a user whose users.info failed (429, missing scope) is not asked about
// again: a rate-limited workspace is not hammered by every answer.
const lookupBackoff = time.Minute

// identity is what users.info said about a user.
type identity struct {
	name  string
	admin bool // workspace admin or owner
	at    time.Time
}

// users caches users.info per workspace and user.
type users struct {
	mu       sync.Mutex
	cache    map[string]identity
	inflight map[string]bool      // a refresh is running for this key
	failed   map[string]time.Time // when users.info last failed for this key
	turn     sync.Mutex           // held by the one refresh running
}

func (u *users) get(key string) (identity, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	id, ok := u.cache[key]
	return id, ok
}

func (u *users) put(key string, id identity) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.cache == nil || len(u.cache) > 10000 {
		u.cache = map[string]identity{} // a crude bound; users come back at the cost of one call
	}
	u.cache[key] = id
	delete(u.failed, key)
}

// who names the sender of an event without touching the network unless lookup is set (admin rights
// decide what the command does, see bot.AdminMatters): then users.info is asked when the cache is
// older than userTTL. Otherwise the name is the cached display name, else the payload's handle
// marked provisional, and admin is what a fresh cache entry or [slack] admins say. The caller
// refreshes the cache after replying.
func (a *Adapter) who(ctx context.Context, team, userID, payloadName string, lookup bool) (bot.User, bool) {
	listed := slices.Contains(a.admins, userID)
	key := team + "/" + userID
	id, ok := a.users.get(key)
	fresh := ok && a.now().Sub(id.at) < userTTL
	if !fresh && lookup {
		if looked, err := a.lookup(ctx, team, userID, payloadName); err == nil {
			id, ok, fresh = looked, true, true
		} else {
			a.log.Warn("slack users.info failed; treating the user as a non-admin for this command (does the app have the users:read scope?)",
				"workspace", team, "user", userID, "err", err)
		}
	}
	if ok {
		return bot.User{ID: userID, Name: id.name}, listed || fresh && id.admin
	}
	if payloadName == "" {
		payloadName = userID
	}
	return bot.User{ID: userID, Name: payloadName, Provisional: true}, listed
}

// lookup asks users.info and caches the answer.
func (a *Adapter) lookup(ctx context.Context, team, userID, payloadName string) (identity, error) {
	api, err := a.apiFor(ctx, team)
	var u *slack.User
	if err == nil {
		u, err = api.GetUserInfoContext(ctx, userID)
	}
	if err != nil {
		a.apiFailed("users.info", err)
		a.users.mu.Lock()
		if a.users.failed == nil {
			a.users.failed = map[string]time.Time{}
		}
		a.users.failed[team+"/"+userID] = a.now()
		a.users.mu.Unlock()
		return identity{}, err
	}
	id := identity{admin: u.IsAdmin || u.IsOwner || u.IsPrimaryOwner, at: a.now()}
	for _, n := range []string{u.Profile.DisplayName, u.RealName, u.Name, payloadName, userID} {
		if n != "" {
			id.name = n
			break
		}
	}
	a.users.put(team+"/"+userID, id)
	return id, nil
}

// refreshUser brings the cached name and admin flag up to date in the background, after a reply
// has been given: at most one call per user at a time, none while the cache is fresh, and none
// for lookupBackoff after a failure. The next event from the user carries the display name.
func (a *Adapter) refreshUser(team, userID, payloadName, usedName string) {
	key := team + "/" + userID
	now := a.now()
	a.users.mu.Lock()
	id, ok := a.users.cache[key]
	failedAt, failed := a.users.failed[key]
	if ok && now.Sub(id.at) < userTTL || failed && now.Sub(failedAt) < lookupBackoff || a.users.inflight[key] {
		a.users.mu.Unlock()
		return
	}
	if a.users.inflight == nil {
		a.users.inflight = map[string]bool{}
	}
	a.users.inflight[key] = true
	a.users.mu.Unlock()
	a.spawnBackground("users.info refresh", bot.Conversation{Platform: Platform, Workspace: team}, userID, func(ctx context.Context, h bot.Handler) {
		// One refresh at a time, and only while no user waits on the adapter: after a burst of
		// new users they trail behind the answers instead of competing with them for the CPU.
		a.users.turn.Lock()
		defer a.users.turn.Unlock()
		a.whenIdle(ctx)
		if ctx.Err() != nil {
			// Its time ran out in the queue (the core busy for minutes, or a shutdown): not a
			// users.info failure, so nothing to warn about; the user's next command asks again.
			return
		}
		defer func() {
			a.users.mu.Lock()
			delete(a.users.inflight, key)
			a.users.mu.Unlock()
		}()
		got, err := a.lookup(ctx, team, userID, payloadName)
		if err != nil {
			a.log.Warn("slack users.info failed; the user keeps the name Slack sent with the command (does the app have the users:read scope?)",
				"workspace", team, "user", userID, "err", err)
			return
		}
		r, isRenamer := h.(bot.Renamer)
		if !isRenamer || got.name == usedName {
			return // the event already carried this name, so the store has it
		}
		// The event went in under the payload's handle: store the display name, so the leaderboard
		// shows it from now on.
		changed, err := r.RenameUser(ctx, bot.Conversation{Platform: Platform, Workspace: team}, bot.User{ID: userID, Name: got.name})
		if err != nil {
			a.log.Warn("slack storing a display name failed; the next command from the user stores it", "workspace", team, "user", userID, "err", err)
		} else if changed {
			a.log.Info("slack user's display name stored", "workspace", team, "user", userID)
		}
	})
}
