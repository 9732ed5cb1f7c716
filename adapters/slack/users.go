package slack

import (
	"context"
	"slices"
	"sync"
	"time"
)

// userTTL is how long what users.info said about a user is trusted: a demoted admin loses admin
// commands within this time.
const userTTL = 10 * time.Minute

// identity is what the core needs to know about who sent an event.
type identity struct {
	name  string
	admin bool // workspace admin or owner, per users.info
	at    time.Time
}

// users caches users.info per workspace and user.
type users struct {
	mu    sync.Mutex
	cache map[string]identity
}

// identify returns the user's display name and whether they may run admin commands: workspace
// admins and owners, and the ids in [slack] admins. When users.info fails the user is not a workspace
// admin for this event (the failure is logged and not cached) and fallbackName is used.
func (a *Adapter) identify(ctx context.Context, team, userID, fallbackName string) (name string, admin bool) {
	listed := slices.Contains(a.admins, userID)
	key := team + "/" + userID
	now := a.now()
	a.users.mu.Lock()
	id, ok := a.users.cache[key]
	a.users.mu.Unlock()
	if ok && now.Sub(id.at) < userTTL {
		return id.name, id.admin || listed
	}
	u, err := a.api.GetUserInfoContext(ctx, userID)
	if err != nil {
		a.apiFailed("users.info", err)
		a.log.Warn("slack users.info failed; treating the user as a non-admin for this command (does the app have the users:read scope?)",
			"workspace", team, "user", userID, "err", err)
		if fallbackName == "" {
			fallbackName = userID
		}
		return fallbackName, listed
	}
	id = identity{name: u.Profile.DisplayName, admin: u.IsAdmin || u.IsOwner || u.IsPrimaryOwner, at: now}
	for _, n := range []string{u.Profile.DisplayName, u.RealName, u.Name, fallbackName, userID} {
		if n != "" {
			id.name = n
			break
		}
	}
	a.users.mu.Lock()
	if a.users.cache == nil || len(a.users.cache) > 10000 {
		a.users.cache = map[string]identity{} // a crude bound; users come back at the cost of one call
	}
	a.users.cache[key] = id
	a.users.mu.Unlock()
	return id.name, id.admin || listed
}
