package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/keepalive"
)

// Adapter connects the engine to Discord: slash commands, buttons, menus and modals come in as
// interactions (over the gateway, or signed POSTs in http mode); posts go out over REST.
type Adapter struct {
	cfg    Config
	log    *slog.Logger
	topics []string
	admins map[string]bool
	pub    []byte // Ed25519 public key (http mode)

	s *discordgo.Session

	now      func() time.Time
	ackTimer func() <-chan time.Time // fires when an interaction must be deferred
	// workTimeout bounds the core's work on one interaction (interactionTimeout; tests shorten it).
	workTimeout time.Duration
	sleep       func(ctx contextDone, d time.Duration) error

	mu      sync.Mutex
	handler bot.Handler     // set by Run; nil until then
	runCtx  context.Context // Run's context, for work that outlives an HTTP request
	stopped bool            // Run is returning: take no new interactions
	work    sync.WaitGroup  // interactions still being answered

	metrics bot.PlatformMetrics
	health  bot.HealthState
	seen    seenSignatures // http mode: signatures already accepted
}

// platform is the adapter's name in bot.Conversation.Platform and in metrics.
const platform = "discord"

var (
	_ bot.Adapter        = (*Adapter)(nil)
	_ bot.Editor         = (*Adapter)(nil)
	_ bot.HealthReporter = (*Adapter)(nil)
	_ http.Handler       = (*Adapter)(nil)
)

// Options are what New needs besides the configuration.
type Options struct {
	Logger *slog.Logger
	// Topics offered by /pyq practice's autocomplete.
	Topics []string
	// Now is the clock for the signature freshness window; default time.Now.
	Now func() time.Time
	// AckAfter is how long an interaction may wait for the engine before it is deferred; default
	// 2s, inside Discord's 3s limit.
	AckAfter time.Duration
	// Metrics receives acknowledgement latencies and REST errors; default none.
	Metrics bot.PlatformMetrics
	// After is the timer behind AckAfter; default time.After. Tests pass a fake clock's.
	After func(time.Duration) <-chan time.Time
}

// New builds the adapter from a resolved Config (see Config.Resolve). It opens no connection.
func New(cfg Config, opt Options) (*Adapter, error) {
	token := cfg.Token
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	a := &Adapter{cfg: cfg, log: opt.Logger, topics: opt.Topics, admins: map[string]bool{}, s: s, now: opt.Now, sleep: sleepCtx,
		metrics: opt.Metrics}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	// Every line the adapter logs is about Discord; lines about a conversation add workspace and
	// channel, the keys the core uses (bot's convArgs).
	a.log = a.log.With("platform", platform)
	if a.metrics == nil {
		a.metrics = bot.NoMetrics{}
	}
	a.health.Set(errStarting)
	if a.now == nil {
		a.now = time.Now
	}
	ackAfter := opt.AckAfter
	if ackAfter <= 0 {
		ackAfter = 2 * time.Second
	}
	after := opt.After
	if after == nil {
		after = time.After
	}
	a.ackTimer = func() <-chan time.Time { return after(ackAfter) }
	a.workTimeout = interactionTimeout
	for _, id := range cfg.Admins {
		a.admins[strings.TrimSpace(id)] = true
	}
	if cfg.Mode == ModeHTTP {
		if a.pub, err = cfg.publicKey(); err != nil {
			return nil, fmt.Errorf("[discord] public_key: %w", err)
		}
	}
	tr := &transport{base: keepalive.Transport(), now: a.now, sleep: func(ctx contextDone, d time.Duration) error { return a.sleep(ctx, d) },
		metrics: a.metrics}
	if cfg.APIURL != "" {
		if tr.to, err = url.Parse(cfg.APIURL); err != nil {
			return nil, fmt.Errorf("[discord] api_url: %w", err)
		}
	}
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: tr}
	// Rate limits and retries: discordgo would sleep out a 429 and retry with no bound and no way to
	// cancel; rest.go does that instead, bounded and cancellable. A 502 or a broken connection is
	// never retried (MaxRestRetries 0): the message may have been posted, and for a scheduled post
	// the scheduler's claim decides whether to try again.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	s.StateEnabled = false
	s.Identify.Intents = discordgo.IntentsNone // interactions arrive whatever the intents
	// s.LogLevel stays at discordgo's default (errors only): its debug output prints the identify
	// payload, which holds the bot token.
	return a, nil
}

// Name is the platform name used in bot.Conversation.
func (a *Adapter) Name() string { return platform }

// Run registers /pyq, logs the invite URL, then receives interactions until ctx ends: over the
// gateway, or (http mode) through ServeHTTP on the shared server.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	a.mu.Lock()
	a.handler, a.runCtx = h, ctx
	a.mu.Unlock()
	defer func() {
		a.health.Set(errStopped)
		a.mu.Lock()
		a.stopped = true
		a.mu.Unlock()
		a.work.Wait()
	}()
	if err := a.registerCommands(ctx); err != nil || ctx.Err() != nil {
		return err
	}
	a.log.Info("discord invite URL for the bot (it asks for exactly the permissions pyqbot uses)", "url", InviteURL(a.cfg.AppID))
	if a.cfg.Mode == ModeHTTP {
		a.log.Info("discord receiving interactions over HTTP", "path", InteractionsPath)
		a.health.Set(nil)
		<-ctx.Done()
		return nil
	}
	return a.runGateway(ctx)
}

// interactionTimeout bounds the work on one interaction. It is detached from Run's context: an
// interaction already received is finished (the answer recorded and the user told) during a
// shutdown, which waits for it.
const interactionTimeout = 30 * time.Second

// begin admits one interaction while Run is running; the caller must call end when done.
func (a *Adapter) begin() (h bot.Handler, ctx context.Context, end func(), ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.handler == nil || a.stopped {
		return nil, nil, nil, false
	}
	a.work.Add(1)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(a.runCtx), a.workTimeout)
	return a.handler, ctx, func() { cancel(); a.work.Done() }, true
}

// isAdmin: the Manage Server permission (Administrator implies it) in the channel, as the interaction
// reports it, or a user listed in [discord] admins.
func (a *Adapter) isAdmin(userID string, perms int64) bool {
	const manage = discordgo.PermissionManageGuild | discordgo.PermissionAdministrator
	return perms&manage != 0 || a.admins[userID]
}

// restErrCode is Discord's JSON error code of a failed REST call, 0 when there is none.
func restErrCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}
