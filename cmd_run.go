package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"time"

	"github.com/pyqbot/pyqbot/adapters/console"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/content"
	"github.com/pyqbot/pyqbot/metrics"
	"github.com/pyqbot/pyqbot/schedule"
	"github.com/pyqbot/pyqbot/storage"
)

func (m *Main) runCmd(ctx context.Context, args []string, forceConsole bool) error {
	name := "run"
	summary := "Runs the bot: the terminal adapter when no platform is enabled in the config."
	if forceConsole {
		name, summary = "console", "Plays pyqbot in the terminal, whatever the config enables."
	}
	fs := m.newFlags(name+" [--config FILE] [--db PATH]", summary)
	configPath := fs.String("config", "", "TOML config file (see config.example.toml)")
	dbPath := fs.String("db", "", "SQLite database file (default [storage] path, else ./pyqbot.db; [storage] url for PostgreSQL)")
	user := fs.String("user", "", "who you are in the terminal (default [console] user, else $USER)")
	if err := m.finishParse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "pyqbot %s: unexpected argument %q\n", name, fs.Arg(0))
		return errUsage
	}
	if *user != "" && !bot.UsableUserID(*user) {
		fmt.Fprintf(m.Stderr, "pyqbot %s: --user %q cannot name a player: %s\n", name, *user, consoleUserHelp)
		return errUsage
	}
	cfg, err := m.config(*configPath)
	if err != nil {
		return err
	}
	if err := cfg.setDBFlag(*dbPath); err != nil {
		return err
	}
	termOnly := slices.Equal(cfg.platforms(forceConsole), []string{console.Conversation.Platform})
	logger := m.logger(cfg, termOnly)
	for _, w := range cfg.Warnings {
		logger.Warn(w)
	}
	bank, err := content.Bank(content.Options{Dirs: cfg.Content.Dirs, Exclude: cfg.Content.Exclude})
	if err != nil {
		return err
	}
	store, err := storage.Open(ctx, cfg.storeTarget())
	if err != nil {
		return err
	}
	// Closed once, and after an abandoned shutdown without waiting on a query stuck behind a lock.
	closer := newStoreCloser(store.Close)
	defer closer.Close()
	// Refuse to serve a database that cannot keep answers; warn about one that lost its data.
	store.SetLogger(logger)
	if err := store.Check(ctx); err != nil {
		return err
	}
	now, err := m.clock(logger)
	if err != nil {
		return err
	}
	store.Now = now
	inflight := bot.NewInflight(nil)
	reg := metrics.New(metrics.Options{Version: version, Platforms: cfg.platforms(forceConsole),
		OpenQuestions: store.OpenPostCount, Logger: logger})
	engine := bot.New(bot.Config{
		Store: store, Bank: bank, Zone: cfg.Bot.Timezone, Logger: logger,
		RevealAt: func(ch bot.Channel, posted time.Time) time.Time {
			return bot.NextLocalTime(posted, ch.Location(), cfg.revealHour, cfg.revealMin)
		},
		ParseSpec: schedule.Parse, DefaultSchedules: cfg.schedules, Grace: cfg.grace, Metrics: reg,
		Inflight: inflight, Now: now,
	})
	logger.Info("pyqbot starting", "version", version, "config", cfg.path, "db", cfg.storeShown(), "questions", bank.Len())

	var adapters []bot.Adapter
	mux := newRoutes()
	if !forceConsole {
		for _, build := range []func(context.Context, *Config, func(string) string, *slog.Logger, *routes, bot.PlatformMetrics) (bot.Adapter, error){slackWith(store, inflight), discordWith(bank, store)} {
			a, err := build(ctx, cfg, m.Getenv, logger, mux, reg)
			if err != nil {
				return err
			}
			if a != nil {
				adapters = append(adapters, a)
			}
		}
	}
	stdin := &countingReader{r: m.Stdin}
	terminal := isTerminal(m.Stdin)
	if len(adapters) == 0 {
		adapters = append(adapters, console.NewWith(stdin, m.Stdout, m.consoleUser(cfg, *user), console.Options{
			Started: time.Now(), Prompt: terminal,
			Banner: fmt.Sprintf("pyqbot %s in the terminal (%d questions, database %s): type /pyq help to start, /pyq today for a question, /quit to leave.",
				version, bank.Len(), cfg.storeShown()),
		}))
	}
	for _, a := range adapters {
		engine.AddAdapter(a)
		if a.Name() == console.Conversation.Platform {
			// The terminal's one channel exists from the start, so its schedule runs before any command.
			if _, err := engine.EnsureChannel(ctx, console.Conversation); err != nil {
				return fmt.Errorf("set up the terminal channel: %w", err)
			}
		}
	}
	if serveOps(cfg, adapters) {
		// Operations endpoints share the server with the adapters' routes (and make it listen).
		mux.Handle("GET /healthz", healthHandler(store, adapters, logger))
		mux.Handle("GET /metrics", reg.Handler())
	}
	var ln net.Listener
	if mux.used {
		// Bound here, before the adapters run and the terminal shows its banner.
		if ln, err = cfg.listenHTTP(); err != nil {
			return err
		}
	}
	if err := m.serve(ctx, cfg, logger, engine, inflight, adapters, mux, ln); err != nil {
		if errors.Is(err, errAbandoned) {
			closer.closeWithin(time.Second, logger)
		}
		return err
	}
	if !forceConsole && termOnly && !terminal && stdin.n == 0 && ctx.Err() == nil {
		// What a container does with no platform set (or a misspelt one) and no terminal: without
		// this it printed two INFO lines and exited 0, and --restart unless-stopped looped silently.
		return errNoPlatform
	}
	// Footer refreshes a last answer left behind run in the background (each bounded by its own
	// timeout): the store they write to closes only after them.
	engine.WaitIdle()
	return closer.Close()
}

// config loads the configuration: the file named by flagPath, $PYQBOT_CONFIG or
// DefaultConfigPath (see configPath), with PYQBOT_SECTION_KEY environment variables over it.
func (m *Main) config(flagPath string) (*Config, error) {
	if m.Environ != nil {
		if err := checkEnvNames(m.Environ()); err != nil {
			return nil, err
		}
	}
	return loadConfigEnv(configPath(flagPath, m.Getenv), m.Getenv)
}

func (m *Main) consoleUser(cfg *Config, flagUser string) string {
	for _, name := range []string{flagUser, cfg.Console.User, m.Getenv("USER")} {
		if name != "" && bot.UsableUserID(name) { // the first two are checked at start-up; $USER is skipped
			return name
		}
	}
	return "you"
}

// errNoPlatform ends `pyqbot run` that has nothing to do: no chat platform and no input.
var errNoPlatform = errors.New("no platform is enabled and standard input gave no input, so there is nothing to do: " +
	"enable Slack ([slack] enabled = true, or PYQBOT_SLACK_ENABLED=true) or Discord ([discord] enabled = true, or " +
	"PYQBOT_DISCORD_ENABLED=true) with their tokens, or play in a terminal with `pyqbot console` (Docker: docker run -it … console)")

// countingReader counts the bytes read through it, to tell piped input from none at all.
type countingReader struct {
	r io.Reader
	n int64 // read by the console's reader goroutine; the run reads it after serve has stopped it
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// isTerminal says whether r is a person's terminal: a character device other than /dev/null
// (which is what `docker run` without -i, or `</dev/null`, gives). It decides the "> " prompt and
// whether an empty input is a mistake. Checked without a terminal library: the stdlib can tell a
// character device, and /dev/null is the one such device a service manager hands a process.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}

// logger writes to stderr at [log] level; unset, that is info, or warn when the terminal is the
// only platform, so INFO lines do not land in the middle of the game (warnings still show).
func (m *Main) logger(cfg *Config, termOnly bool) *slog.Logger {
	level := slog.LevelInfo
	if cfg.Log.Level == "" && termOnly {
		level = slog.LevelWarn
	}
	if cfg.Log.Level != "" {
		_ = level.UnmarshalText([]byte(cfg.Log.Level)) // checked by Config.check
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, opts))
}

// clock is what the engine and store run on: the machine's clock, shifted by
// PYQBOT_TEST_CLOCK_SHIFT (a Go duration) in the end-to-end tests that play several days through
// the built binary. A shifted clock is logged, so it is never in force unseen.
func (m *Main) clock(logger *slog.Logger) (func() time.Time, error) {
	v := m.Getenv(testEnvPrefix + "CLOCK_SHIFT")
	if v == "" {
		return time.Now, nil
	}
	shift, err := time.ParseDuration(v)
	if err != nil {
		return nil, fmt.Errorf("%sCLOCK_SHIFT is not a duration: use Go's form, such as \"24h\", or unset it", testEnvPrefix)
	}
	logger.Warn("the clock is shifted for a test", "variable", testEnvPrefix+"CLOCK_SHIFT", "shift", shift)
	return func() time.Time { return time.Now().Add(shift) }, nil
}
