package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// Config is what the engine needs. Store and Bank are required; the rest have defaults.
type Config struct {
	Store Store
	Bank  *Bank
	// Zone is the time zone a channel gets when the bot first sees it. Default "UTC".
	Zone string
	// RevealAt says when a question posted at posted in ch is revealed if nobody reveals it sooner.
	// Default: the next 17:00 in the channel's zone.
	RevealAt func(ch Channel, posted time.Time) time.Time
	Now      func() time.Time
	Logger   *slog.Logger
	// Seed makes question picks reproducible; zero picks a random seed.
	Seed uint64

	// Scheduling (see schedule_plan.go and package scheduler). ParseSpec turns it on: main.go passes schedule.Parse.
	ParseSpec SpecParser
	// DefaultSchedules are given to each channel for the jobs it has no row for; nil means
	// DefaultSchedules(). Specs must already be checked: a bad one is logged at every tick.
	DefaultSchedules []Schedule
	// Grace is how late a missed slot may still be posted; default 3h. Older ones are skipped.
	Grace time.Duration
	// Lease is how long a claim may stay unfinished before another process (or this one after a
	// restart) takes the slot over and posts it; default 10m.
	Lease time.Duration
	// Owner names this process in slot claims; default host-pid-random.
	Owner string
	// Sleeper is what the scheduler's run loop waits on; default real timers.
	Sleeper Sleeper

	// Metrics receives counts of posts, answers and slots; default NoMetrics.
	Metrics Metrics
	// Inflight, when set, lists each scheduled slot while it runs, and a tick in progress when the
	// run loop's context ends gets until Inflight.Abandon to finish (see inflight.go). Commands
	// are listed by wrapping the engine with Inflight.Handler.
	Inflight *Inflight

	// EditGap is the least real time between the starts of two footer edits of one question (see
	// footer.go); 0 means DefaultEditGap.
	EditGap time.Duration
	// EditNow and EditSleep are the real time EditGap is counted in, apart from Now (a test's or a
	// replay's game clock): platforms' rate limits count real seconds. Defaults: time.Now (its
	// monotonic reading) and a timer that returns early with ctx's error. Tests pass a Sleep that
	// returns at once, so footer edits follow each other as they did before there was a gap.
	EditNow   func() time.Time
	EditSleep func(ctx context.Context, d time.Duration) error
}

// Engine runs the game: it answers commands and posts, reveals and scores questions on every
// registered adapter. It is safe for concurrent use.
type Engine struct {
	store    Store
	bank     *Bank
	zone     string
	revealAt func(Channel, time.Time) time.Time
	now      func() time.Time
	log      *slog.Logger
	metrics  Metrics
	inflight *Inflight

	mu       sync.Mutex
	rnd      *rand.Rand
	adapters map[string]Adapter
	channels map[int64]*sync.Mutex // serialises posting, revealing and footer edits per channel
	counts   answerCounts
	answers  answerCache // what answers read besides their commit, for a second (answer_cache.go)

	sched *scheduling
}

var _ Handler = (*Engine)(nil)

// New returns an engine. It starts nothing; adapters drive it through Handle.
func New(cfg Config) *Engine {
	e := &Engine{
		store:    cfg.Store,
		bank:     cfg.Bank,
		zone:     cfg.Zone,
		revealAt: cfg.RevealAt,
		now:      cfg.Now,
		log:      cfg.Logger,
		metrics:  cfg.Metrics,
		inflight: cfg.Inflight,
		adapters: map[string]Adapter{},
		channels: map[int64]*sync.Mutex{},
	}
	if e.zone == "" {
		e.zone = "UTC"
	}
	if e.revealAt == nil {
		e.revealAt = func(ch Channel, posted time.Time) time.Time { return NextLocalTime(posted, ch.Location(), 17, 0) }
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.metrics == nil {
		e.metrics = NoMetrics{}
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	e.counts.configure(cfg)
	e.rnd = rand.New(rand.NewPCG(seed, seed>>1|1))
	e.sched = newScheduling(e, cfg, e.rnd.Uint64())
	return e
}

// AddAdapter lets the engine post through a. Call it before events arrive.
func (e *Engine) AddAdapter(a Adapter) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.adapters[a.Name()] = a
}

func (e *Engine) adapter(platform string) (Adapter, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.adapters[platform]
	if !ok {
		return nil, fmt.Errorf("no adapter registered for platform %q", platform)
	}
	return a, nil
}

func (e *Engine) channelLock(id int64) *sync.Mutex {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, ok := e.channels[id]
	if !ok {
		m = &sync.Mutex{}
		e.channels[id] = m
	}
	return m
}

func (e *Engine) intn(n int) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rnd.IntN(n)
}

// request is one event being handled, with what every command needs resolved once.
type request struct {
	Event
	ch   Channel
	args []string // words after the command word
	rest string   // text after the command word, spacing kept
}

// Handle answers one event. It never panics on input: a bad command gets a reply that says what to do.
func (e *Engine) Handle(ctx context.Context, ev Event) (reply Reply) {
	defer func() {
		if r := recover(); r != nil {
			e.log.Error("command panicked", convArgs(ev.Conv, "user", ev.User.ID, "text", ev.Text, "panic", r)...)
			reply = failedReply(internalErrorText)
		}
	}()
	if strings.TrimSpace(ev.User.ID) == "" {
		return privateText("I could not tell who sent that command, so nothing was recorded.")
	}
	ev, problem := cleanEvent(ev)
	if problem != "" {
		return privateText(problem)
	}
	if ev.User.Name == "" {
		ev.User.Name = ev.User.ID
	}
	word, args, rest := commandLine(ev.Text)
	cmd, ok := commandByName(word)
	if !ok {
		return privateText(unknownCommandText(word))
	}
	if cmd.Admin && !ev.Admin {
		return privateText(fmt.Sprintf("Only workspace admins can run `/pyq %s`.", cmd.Name))
	}
	if extra := cmd.extraWords(args); extra != "" {
		return cmd.tooManyWords(extra)
	}
	// Claimed before the command runs, in its own transaction: if the command then fails, a replay
	// of it is still refused, which costs nothing (the user types the command again).
	if reply, refused := e.refuseReplay(ctx, ev, cmd.Name, args); refused {
		return reply
	}
	req := request{Event: ev, args: args, rest: rest}
	if !cmd.loadsChannel {
		ch, err := e.store.EnsureChannel(ctx, ev.Conv, e.zone)
		if err != nil {
			return e.internalError(ev, "load channel", err)
		}
		req.ch = ch
	}
	return cmd.run(e, ctx, req)
}

const internalErrorText = "Something went wrong on our side and nothing was changed. The error was logged for the bot's admin."

func (e *Engine) internalError(ev Event, what string, err error) Reply {
	e.log.Error(what+" failed", convArgs(ev.Conv, "user", ev.User.ID, "err", err)...)
	if errors.Is(err, ErrStoreUnavailable) {
		return failedReply(notRecordedText(what))
	}
	return failedReply(internalErrorText)
}

// failedReply is a private reply saying the command failed on pyqbot's side (Reply.Failed).
func failedReply(text string) Reply {
	r := privateText(text)
	r.Failed = true
	return r
}

// convArgs is the log attributes that place something on a platform: every log line about a post
// or a channel carries them, so an operator can find it among many workspaces. more follows them.
func convArgs(c Conversation, more ...any) []any {
	return append([]any{"platform", c.Platform, "workspace", c.Workspace, "channel", c.Channel}, more...)
}

func privateText(text string) Reply { return Reply{Private: true, Post: Post{Text: text}} }

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
