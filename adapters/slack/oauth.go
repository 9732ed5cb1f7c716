package slack

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/bot"
)

// Paths of the OAuth v2 install flow, served in distribution mode.
const (
	PathInstall       = "/slack/install"
	PathOAuthCallback = "/slack/oauth/callback"
)

// BotScopes are the bot token scopes pyqbot asks for: the manifests list exactly these, and the
// install link asks for them. im:write lets conversations.open start the direct message a
// reminder (`/pyq remind`) goes to; it opens only one-to-one DMs, nothing else.
var BotScopes = []string{"commands", "chat:write", "chat:write.public", "users:read", "im:write"}

// stateTTL is how long an "Add to Slack" link stays good: long enough to read Slack's consent
// screen, short enough that a leaked link is soon useless.
const stateTTL = 10 * time.Minute

// authorizeURL is Slack's consent screen; tests point it at a fake.
const authorizeURL = "https://slack.com/oauth/v2/authorize"

// installer runs the OAuth v2 flow: a signed, expiring, single-use state ties the callback to a link
// this bot issued, the code is exchanged through slack-go, and the token is stored sealed.
type installer struct {
	clientID, clientSecret, redirect string
	stateKey                         []byte
	box                              *tokenBox
	store                            bot.InstallStore
}

func newInstaller(s Settings, store bot.InstallStore) (*installer, error) {
	box, err := newTokenBox(s.TokenKey)
	if err != nil {
		return nil, err
	}
	// The state's key is derived from the token key, so states cannot be forged without it and no
	// further secret is needed.
	mac := hmac.New(sha256.New, s.TokenKey)
	mac.Write([]byte("pyqbot oauth state"))
	return &installer{clientID: s.ClientID, clientSecret: s.ClientSecret, redirect: s.RedirectURL,
		stateKey: mac.Sum(nil), box: box, store: store}, nil
}

// newState is nonce.expiry.mac: the callback proves the link came from here and is fresh.
func (in *installer) newState(now time.Time) string {
	nonce := make([]byte, 16)
	rand.Read(nonce)
	body := hex.EncodeToString(nonce) + "." + strconv.FormatInt(now.Add(stateTTL).Unix(), 10)
	return body + "." + in.sign(body)
}

func (in *installer) sign(body string) string {
	m := hmac.New(sha256.New, in.stateKey)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

var (
	errStateMissing = errors.New("the link has no state: start again from the install page")
	errStateForged  = errors.New("the link's state was not issued by this bot: start again from the install page")
	errStateExpired = errors.New("the install link expired: start again from the install page")
	errStateUsed    = errors.New("this install link was already used: start again from the install page")
)

// checkState returns the state's nonce if it is one this bot issued and it has not expired.
func (in *installer) checkState(state string, now time.Time) (string, error) {
	if state == "" {
		return "", errStateMissing
	}
	parts := strings.Split(state, ".")
	if len(parts) != 3 || !hmac.Equal([]byte(in.sign(parts[0]+"."+parts[1])), []byte(parts[2])) {
		return "", errStateForged
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return "", errStateForged
	}
	if now.Unix() > exp {
		return "", errStateExpired
	}
	return parts[0], nil
}

func (a *Adapter) authorizeLink(state string) string {
	q := url.Values{"client_id": {a.install.clientID}, "scope": {strings.Join(BotScopes, ",")},
		"redirect_uri": {a.install.redirect}, "state": {state}}
	return a.authorize + "?" + q.Encode()
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pyqbot: {{.Title}}</title></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 4em auto">
<h1>{{.Title}}</h1><p>{{.Text}}</p>
{{if .Link}}<p><a href="{{.Link}}"><img alt="Add to Slack" height="40" width="139"
 src="https://platform.slack-edge.com/img/add_to_slack.png"></a></p>{{end}}
</body></html>
`))

func page(w http.ResponseWriter, status int, title, text, link string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	pageTmpl.Execute(w, struct{ Title, Text, Link string }{title, text, link})
}

// serveInstall is the "Add to Slack" page, with a fresh state in its link.
func (a *Adapter) serveInstall(w http.ResponseWriter, r *http.Request) {
	page(w, http.StatusOK, "Add pyqbot to your Slack workspace",
		"pyqbot posts a practical Python question to a channel each weekday and keeps the team's leaderboard. "+
			"The link is good for 10 minutes.", a.authorizeLink(a.install.newState(a.now())))
}

// serveCallback finishes an install. Nothing is stored unless the state is good, unused and the
// code exchange succeeds; each refusal is a page and one log line, and neither holds a secret.
func (a *Adapter) serveCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	refuse := func(status int, reason string, err error) {
		a.log.Warn("slack install refused", "reason", reason, "err", err)
		page(w, status, "pyqbot was not installed", err.Error(), "")
	}
	if e := q.Get("error"); e != "" {
		// Slack sends the user back with error=access_denied when they cancel on the consent screen.
		refuse(http.StatusOK, "declined on Slack's consent screen", fmt.Errorf("Slack said %q: nothing was installed; you can start again from %s", e, PathInstall))
		return
	}
	nonce, err := a.install.checkState(q.Get("state"), a.now())
	if err != nil {
		refuse(http.StatusBadRequest, "bad state", err)
		return
	}
	code := q.Get("code")
	if code == "" {
		refuse(http.StatusBadRequest, "no code", errors.New("Slack's redirect carried no code: start again from the install page"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	// Single use: a replayed callback (the same state, hence the same code) stores nothing twice.
	// The claim shares the event kind with event_id dedupe, and each claim ages out that kind's old
	// rows: keep the longer of the two memories so neither forgets too early.
	first, err := a.events.ClaimReplay(ctx, bot.ReplayEvent, Platform+":oauth:"+nonce, a.now(), max(stateTTL, eventMemory))
	if err != nil {
		refuse(http.StatusServiceUnavailable, "state claim failed", errors.New("pyqbot could not record the install: try again in a minute"))
		a.log.Error("slack install: claiming the state failed", "err", err)
		return
	}
	if !first {
		refuse(http.StatusBadRequest, "state replayed", errStateUsed)
		return
	}
	resp, err := slack.GetOAuthV2ResponseContext(ctx, a.httpc, a.install.clientID, a.install.clientSecret, code,
		a.install.redirect, slack.OAuthOptionAPIURL(a.apiURL))
	if err != nil {
		// slack-go's error is Slack's error code (invalid_code, bad_redirect_uri…): never the secret.
		a.apiFailed("oauth.v2.access", err)
		refuse(http.StatusBadGateway, "oauth.v2.access failed", fmt.Errorf("Slack refused the install (%v): start again from the install page; if it persists, check [slack] client_id, client_secret and that %s is a redirect URL of the app", err, a.install.redirect))
		return
	}
	team := resp.Team.ID
	if team == "" || !strings.HasPrefix(resp.AccessToken, "xoxb-") {
		refuse(http.StatusBadGateway, "oauth.v2.access gave no bot token", errors.New("Slack's answer had no bot token for a workspace: check the app asks for bot scopes"))
		return
	}
	sealed, err := a.install.box.seal(team, resp.AccessToken)
	if err == nil {
		err = a.install.store.SaveInstall(ctx, bot.Install{Platform: Platform, Workspace: team, Name: resp.Team.Name,
			BotUser: resp.BotUserID, Sealed: sealed, InstalledAt: a.now()})
	}
	if err != nil {
		a.log.Error("slack install: storing the workspace's token failed", "workspace", team, "err", err)
		page(w, http.StatusServiceUnavailable, "pyqbot was not installed", "pyqbot could not store the install: try again in a minute.", "")
		return
	}
	a.forgetClient(team)
	a.log.Info("slack workspace installed", "workspace", team, "team", resp.Team.Name)
	page(w, http.StatusOK, "pyqbot is installed",
		"Invite it to a channel (/invite @pyqbot), then type /pyq today there. /pyq help lists the commands.", "")
}
