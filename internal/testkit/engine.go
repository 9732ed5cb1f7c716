package testkit

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/content"
	"github.com/pyqbot/pyqbot/schedule"
	"github.com/pyqbot/pyqbot/storage"
)

// Monday is where a kit's clock starts unless told otherwise: Monday 16 November 2026, 09:00 UTC.
var Monday = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)

// Options shape NewEngine. The zero value is the built-in bank on a fresh database, the clock at
// Monday, no scheduling.
type Options struct {
	// Questions is the bank; nil loads the built-in one (content/questions).
	Questions []bot.Question
	// Adapters are registered with the engine (AddAdapter). A kit always has its own Recorder too.
	Adapters []bot.Adapter
	// Clock drives the engine and the store; nil starts a new one at Monday.
	Clock *FakeClock
	// Schedules, when not nil, turns scheduling on (schedule.Parse) with these as every channel's
	// defaults; drive it with Kit.Tick.
	Schedules []bot.Schedule
	// Path is the SQLite file (or a PostgreSQL URL, for replicas on one database); empty:
	// pyqbot.db in t.TempDir().
	Path string
	// Metrics receives the engine's counts (bot.Config.Metrics); nil: none.
	Metrics bot.Metrics
	// WrapStore, when set, wraps the store the engine uses, for a test that counts or refuses
	// store calls; Kit.Store stays the real one underneath.
	WrapStore func(bot.Store) bot.Store
	// Zone for new channels; default UTC. Seed for question picks; default 1.
	Zone string
	Seed uint64
	// Logger is the engine's; nil discards. A test that checks what is logged shares one with its adapter.
	Logger *slog.Logger
	// EditGap, EditNow and EditSleep space footer edits (bot.Config's); EditSleep nil is
	// NoEditGap, so edits follow each other at once and no test waits out a real gap.
	EditGap   time.Duration
	EditNow   func() time.Time
	EditSleep func(ctx context.Context, d time.Duration) error
}

// Kit is a real engine on a real SQLite file, with the fake clock that drives both.
type Kit struct {
	Engine   *bot.Engine
	Store    *storage.DB
	Clock    *FakeClock
	Recorder *Recorder // registered as platform "test"
	Path     string
	t        testing.TB
}

// RecorderPlatform is the platform name of a kit's Recorder.
const RecorderPlatform = "test"

// NewEngine opens the database and builds the engine; both are closed at the test's end.
func NewEngine(t testing.TB, o Options) *Kit {
	t.Helper()
	if o.Clock == nil {
		o.Clock = NewFakeClock(Monday)
	}
	if o.Path == "" {
		o.Path = filepath.Join(t.TempDir(), "pyqbot.db")
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	var bank *bot.Bank
	var err error
	if o.Questions == nil {
		bank, err = content.Bank(content.Options{})
	} else {
		bank, err = bot.NewBank(o.Questions)
	}
	if err != nil {
		t.Fatalf("testkit: bank: %v", err)
	}
	store, err := storage.Open(context.Background(), o.Path)
	if err != nil {
		t.Fatalf("testkit: open %s: %v", o.Path, err)
	}
	t.Cleanup(func() { store.Close() })
	store.Now = o.Clock.Now
	var engineStore bot.Store = store
	if o.WrapStore != nil {
		engineStore = o.WrapStore(store)
	}
	cfg := bot.Config{Store: engineStore, Bank: bank, Now: o.Clock.Now, Seed: o.Seed, Zone: o.Zone, Metrics: o.Metrics, Logger: o.Logger,
		EditGap: o.EditGap, EditNow: o.EditNow, EditSleep: o.EditSleep}
	if cfg.EditSleep == nil {
		cfg.EditSleep = NoEditGap
	}
	if o.Schedules != nil {
		cfg.ParseSpec, cfg.DefaultSchedules = schedule.Parse, o.Schedules
	}
	e := bot.New(cfg)
	rec := NewRecorder(RecorderPlatform)
	e.AddAdapter(rec)
	for _, a := range o.Adapters {
		e.AddAdapter(a)
	}
	return &Kit{Engine: e, Store: store, Clock: o.Clock, Recorder: rec, Path: o.Path, t: t}
}

// Tick moves the clock to at and runs the scheduler's due slots, as the run loop would; a tick
// error fails the test.
func (k *Kit) Tick(at time.Time) {
	k.t.Helper()
	k.Clock.Set(at)
	if err := k.Engine.Tick(context.Background(), at); err != nil {
		k.t.Fatalf("testkit: Tick(%v): %v", at, err)
	}
}

// As handles text from user in conv, as an adapter would pass it: the user's id is the name in
// lower case.
func (k *Kit) As(conv bot.Conversation, user string, admin bool, text string) bot.Reply {
	k.t.Helper()
	return k.Engine.Handle(context.Background(), bot.Event{Conv: conv,
		User: bot.User{ID: strings.ToLower(user), Name: user}, Admin: admin, Text: text})
}
