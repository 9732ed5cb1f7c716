package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/keepalive"
)

// Platform is the adapter's name in bot.Conversation.Platform.
const Platform = "slack"

// workTimeout bounds what happens after an acknowledgement: running the command and delivering
// its reply. response_url itself lives 30 minutes.
const workTimeout = 2 * time.Minute

// Options configure an Adapter. Settings come from Config.Resolve; the rest have defaults and
// exist so tests can control time and the network.
type Options struct {
	Settings
	Logger *slog.Logger
	// Now is the clock for signatures, the users.info cache and event dedupe; default time.Now.
	Now func() time.Time
	// HTTPClient makes Web API and response_url calls; default one with a 30 s timeout.
	HTTPClient *http.Client
	// Sleep waits out a 429's Retry-After, returning early with ctx's error; default a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// PingInterval is how long Socket Mode waits for Slack's ping before reconnecting; default 30 s.
	PingInterval time.Duration
	// Metrics receives acknowledgement latencies and Web API errors; default none.
	Metrics bot.PlatformMetrics
	// Replays remembers Events API event ids, so Slack's retries are recognised across restarts
	// and processes: the store. Default: in memory, this process only.
	Replays bot.ReplayStore
	// AckDeadline is how long the core may run before a request is acknowledged without its
	// reply; default DefaultAckDeadline.
	AckDeadline time.Duration
	// After is the timer for AckDeadline; default time.After. Tests fire it by hand.
	After func(time.Duration) <-chan time.Time
	// Installs keeps each workspace's sealed token in distribution mode (Settings.Distribution);
	// required there, unused otherwise.
	Installs bot.InstallStore
	// AuthorizeURL is Slack's OAuth consent screen; default Slack's. Tests point it at a fake.
	AuthorizeURL string
}

// Adapter is the Slack adapter: one process serves every channel of every workspace the bot is in.
type Adapter struct {
	mode     string
	api      *slack.Client
	httpc    *http.Client
	apiURL   string
	appToken string
	verifier verifier
	admins   []string
	log      *slog.Logger
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	ping     time.Duration
	users    users
	recent   *seenEvents     // signatures of recent signed requests: byte-identical replays
	events   bot.ReplayStore // Events API event ids already handled
	metrics  bot.PlatformMetrics
	health   bot.HealthState
	deadline time.Duration
	after    func(time.Duration) <-chan time.Time
	// spawnTimeout bounds work after an acknowledgement (workTimeout; tests shorten it).
	spawnTimeout time.Duration

	install    *installer // distribution mode only
	installErr error      // why install could not be set up: Run reports it
	authorize  string
	spaces     workspaces

	ready chan struct{} // closed once Run serves: requests before it get 503
	cores chan struct{} // one token per core call in flight: see handle
	idle  idleSignal    // the work users wait for, counted: see whenIdle

	mu   sync.Mutex
	h    bot.Handler
	base context.Context // Run's context without its cancellation: work after an ack outlives a shutdown signal
	work sync.WaitGroup
}

var (
	_ bot.Adapter        = (*Adapter)(nil)
	_ bot.Editor         = (*Adapter)(nil)
	_ bot.HealthReporter = (*Adapter)(nil)
)

// New builds the adapter. It starts nothing and calls nothing: Run connects.
func New(o Options) *Adapter {
	a := &Adapter{
		mode: o.Mode, apiURL: o.APIURL, appToken: o.AppToken, admins: o.Admins,
		log: o.Logger, now: o.Now, httpc: o.HTTPClient, sleep: o.Sleep, ping: o.PingInterval, metrics: o.Metrics,
		recent: newSeenEvents(bot.ReplayMemory, 100000), events: o.Replays, ready: make(chan struct{}),
		cores:    make(chan struct{}, max(32, 16*runtime.GOMAXPROCS(0))),
		deadline: o.AckDeadline, after: o.After, spawnTimeout: workTimeout,
	}
	if a.deadline <= 0 {
		a.deadline = DefaultAckDeadline
	}
	if a.after == nil {
		a.after = time.After
	}
	if a.mode == "" {
		a.mode = ModeSocket
	}
	if a.apiURL == "" {
		a.apiURL = DefaultAPIURL
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	// Every line the adapter logs is about Slack; lines about a conversation add workspace and
	// channel, the keys the core uses (bot's convArgs).
	a.log = a.log.With("platform", Platform)
	if a.metrics == nil {
		a.metrics = bot.NoMetrics{}
	}
	if a.events == nil {
		a.events = memoryReplays{newSeenEvents(eventMemory, 100000)}
	}
	a.health.Set(errStarting)
	if a.now == nil {
		a.now = time.Now
	}
	if a.httpc == nil {
		a.httpc = &http.Client{Timeout: 30 * time.Second, Transport: keepalive.Transport()}
	}
	if a.sleep == nil {
		a.sleep = sleepCtx
	}
	a.verifier = verifier{secret: []byte(o.SigningSecret), now: a.now}
	a.authorize = o.AuthorizeURL
	if a.authorize == "" {
		a.authorize = authorizeURL
	}
	if o.Distribution() {
		if o.Installs == nil {
			a.installErr = errors.New("slack distribution needs a store for installs")
		} else {
			a.install, a.installErr = newInstaller(o.Settings, o.Installs)
		}
	}
	opts := a.clientOptions()
	if o.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(o.AppToken))
	}
	a.api = slack.New(o.BotToken, opts...)
	return a
}

// Name is the platform name.
func (a *Adapter) Name() string { return Platform }

// Run checks the bot token with auth.test, then serves events until ctx ends: over Socket Mode, or
// through the HTTP handlers (HTTPHandler) in HTTP mode. It returns after the work already
// acknowledged has finished, so a shutdown does not drop an answer half-way.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	defer a.health.Set(errStopped)
	if a.installErr != nil {
		return fmt.Errorf("slack: %w", a.installErr)
	}
	// A distributed app has no token of its own to check: each workspace's comes with its install.
	msg, attrs := "slack serving installs", []any{"mode", a.mode, "install_page", PathInstall}
	if a.install == nil {
		auth, err := a.api.AuthTestContext(ctx)
		if err != nil {
			a.apiFailed("auth.test", err)
			return fmt.Errorf("slack auth.test failed: %w (check [slack] bot_token or SLACK_BOT_TOKEN, and [slack] api_url)", err)
		}
		msg, attrs = "slack connected", []any{"mode", a.mode, "workspace", auth.TeamID, "team", auth.Team, "bot_user", auth.UserID}
	}
	a.mu.Lock()
	a.h, a.base = h, context.WithoutCancel(ctx)
	a.mu.Unlock()
	close(a.ready)
	a.log.Info(msg, attrs...) // after ready: a test or operator that sees it can send requests
	defer a.work.Wait()
	if a.mode == ModeHTTP {
		a.health.Set(nil)
		<-ctx.Done()
		return nil
	}
	return a.runSocket(ctx)
}

// Ready is closed once Run has connected and serves events.
func (a *Adapter) Ready() <-chan struct{} { return a.ready }

// handler returns the core and the context for work, or nil before Run.
func (a *Adapter) handler() (bot.Handler, context.Context) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.h, a.base
}

// spawn runs fn after an acknowledgement, bounded by workTimeout. A panic is logged, not fatal.
// Until fn returns it counts as work a user waits for (see whenIdle).
func (a *Adapter) spawn(what string, conv bot.Conversation, user string, fn func(ctx context.Context, h bot.Handler)) {
	a.start(what, conv, user, true, fn)
}

// spawnBackground is spawn for work nobody waits for, which whenIdle does not wait on.
func (a *Adapter) spawnBackground(what string, conv bot.Conversation, user string, fn func(ctx context.Context, h bot.Handler)) {
	a.start(what, conv, user, false, fn)
}

func (a *Adapter) start(what string, conv bot.Conversation, user string, waitedFor bool, fn func(ctx context.Context, h bot.Handler)) {
	h, base := a.handler()
	if h == nil {
		return
	}
	a.work.Add(1)
	if waitedFor {
		a.idle.enter() // before the goroutine starts, so that no gap shows the adapter idle
	}
	go func() {
		defer a.work.Done()
		if waitedFor {
			defer a.idle.leave()
		}
		defer func() {
			if r := recover(); r != nil {
				a.log.Error("slack "+what+" panicked", "panic", r)
			}
		}()
		ctx, cancel := context.WithTimeout(bot.About(base, conv, user), a.spawnTimeout)
		defer cancel()
		fn(ctx, h)
	}()
}

// Send posts p in the conversation's channel, in a thread when p.Thread is set. A post too big for
// one Slack message (a reveal with forty long answers) goes out as several: the first where p
// belongs, the rest as replies in the same thread (the first message's own thread when p is not a
// reply). The reference is the first message's.
func (a *Adapter) Send(ctx context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	parts := splitBlocks(Blocks(p))
	thread := ""
	if p.Thread != nil {
		thread = p.Thread.ID
	}
	var first bot.MessageRef
	for i, blocks := range parts {
		text := FallbackText(p)
		if i > 0 {
			text = continuedText(p, i+1, len(parts))
		}
		ref, err := a.postMessage(ctx, to, thread, text, blocks)
		if err != nil {
			if i > 0 {
				return first, fmt.Errorf("slack: part %d of %d of a long post was not sent (the first %d are in the thread): %w", i+1, len(parts), i, err)
			}
			return bot.MessageRef{}, err
		}
		if i == 0 {
			first = ref
			if thread == "" && len(parts) > 1 {
				thread = ref.ID
			}
		}
	}
	return first, nil
}

func (a *Adapter) postMessage(ctx context.Context, to bot.Conversation, thread, text string, blocks []slack.Block) (bot.MessageRef, error) {
	opts := []slack.MsgOption{
		slack.MsgOptionText(text, false),
		slack.MsgOptionBlocks(blocks...),
		// Only chat.postMessage takes these (chat.update and chat.postEphemeral do not).
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	var channel, ts string
	api, err := a.apiFor(ctx, to.Workspace)
	if err == nil {
		err = a.withRetry(ctx, "chat.postMessage", func() error {
			var err error
			channel, ts, err = api.PostMessageContext(ctx, to.Channel, opts...)
			return err
		})
	}
	if err != nil {
		// Not logged here: the core logs it where it decides what to do (retry, skip, tell the user).
		return bot.MessageRef{}, apiError("chat.postMessage", to.Channel, err)
	}
	return bot.MessageRef{Channel: channel, ID: ts, Thread: thread}, nil
}

// Edit replaces a message the bot posted, e.g. to show a question closed (no buttons).
func (a *Adapter) Edit(ctx context.Context, to bot.Conversation, ref bot.MessageRef, p bot.Post) error {
	channel := ref.Channel
	if channel == "" {
		channel = to.Channel
	}
	api, err := a.apiFor(ctx, to.Workspace)
	if err == nil {
		err = a.withRetry(ctx, "chat.update", func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, channel, ref.ID, messageOptions(p)...)
			return err
		})
	}
	if err != nil {
		return apiError("chat.update", channel, err) // logged by the core, as Send's
	}
	return nil
}

// messageOptions are a chat.update's or chat.postEphemeral's: text and blocks, no unfurl flags.
func messageOptions(p bot.Post) []slack.MsgOption {
	return []slack.MsgOption{
		slack.MsgOptionText(FallbackText(p), false),
		slack.MsgOptionBlocks(Blocks(p)...),
	}
}
