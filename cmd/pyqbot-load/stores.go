package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/content"
	"github.com/pyqbot/pyqbot/schedule"
	"github.com/pyqbot/pyqbot/storage"
)

// replicaGoal is the most the two PostgreSQL replicas' ack p99 may be over one SQLite node's.
const replicaGoal = 2.0

// node is one pyqbot replica as `pyqbot run` wires it for Slack over HTTP: its own store handle
// (its own pool of connections), engine, adapter and HTTP server.
type node struct {
	base   string
	store  *storage.DB
	engine *bot.Engine
	stop   func()
}

func startNode(ctx context.Context, target string, fake *fakeSlack, bank *bot.Bank) (*node, error) {
	store, err := storage.Open(ctx, target)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	store.SetLogger(log)
	// Scheduling on, as in `pyqbot run` (each answer's reply reads the reveal job); no loop.
	engine := bot.New(bot.Config{Store: store, Bank: bank, Logger: log, ParseSpec: schedule.Parse})
	sa := slack.New(slack.Options{Settings: slack.Settings{Mode: slack.ModeHTTP, APIURL: fake.base, BotToken: "xoxb-load", SigningSecret: secret}, Logger: log})
	engine.AddAdapter(sa)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- sa.Run(runCtx, engine) }()
	<-sa.Ready()
	mux := http.NewServeMux()
	sa.Register(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		store.Close()
		return nil, err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	return &node{base: "http://" + ln.Addr().String(), store: store, engine: engine, stop: func() {
		srv.Close()
		cancel()
		<-done
		engine.WaitIdle()
		store.Close()
	}}, nil
}

// topology is a set of replicas on one database, one question open in its Slack channel.
type topology struct {
	name  string
	nodes []*node
	post  bot.PostedQuestion
	key   string
	st    stats
	busy  time.Duration // wall time of its rounds
}

func startTopology(ctx context.Context, name, target string, replicas int, fake *fakeSlack, bank *bot.Bank) (*topology, error) {
	t := &topology{name: name}
	for range replicas {
		n, err := startNode(ctx, target, fake, bank)
		if err != nil {
			t.stop()
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		t.nodes = append(t.nodes, n)
	}
	// An output question, posted through the first replica as /pyq today would.
	st := t.nodes[0].store
	conv := bot.Conversation{Platform: slack.Platform, Workspace: teamID, Channel: "C_LOAD"}
	ch, err := st.EnsureChannel(ctx, conv, "UTC")
	if err == nil {
		err = st.SetChannelFilter(ctx, ch.ID, bot.Filter{Kinds: []bot.Kind{bot.KindOutput}})
	}
	if err != nil {
		t.stop()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if r := t.nodes[0].engine.Handle(ctx, bot.Event{Conv: conv, User: bot.User{ID: "ULEAD", Name: "lead"}, Text: "today"}); !r.Empty() {
		t.stop()
		return nil, fmt.Errorf("%s: posting the question: %s", name, r.Post.Text)
	}
	open, err := st.OpenPosts(ctx, ch.ID)
	if err != nil || len(open) != 1 {
		t.stop()
		return nil, fmt.Errorf("%s: posting the question: %d open, %v", name, len(open), err)
	}
	t.post, t.key = open[0], bank.Get(open[0].QuestionID).Choices[0].Key
	return t, nil
}

func (t *topology) stop() {
	for _, n := range t.nodes {
		n.stop()
	}
}

// round sends n answers from new users, c at a time, to the replicas in turn.
func (t *topology) round(client *http.Client, fake *fakeSlack, prefix string, r, n, c int) {
	start := time.Now()
	shots := fire(client, n, c, func(i int) *http.Request {
		u := fmt.Sprintf("U%s%02d%05d", prefix, r, i)
		return slashRequest(t.nodes[i%len(t.nodes)].base+slack.PathCommands, fake.responseURL(u), u, "answer "+t.post.ShortRef()+" "+t.key)
	})
	t.busy += time.Since(start)
	for _, s := range shots {
		if s.err != nil || s.status != http.StatusOK || !strings.Contains(s.body, "Recorded your answer") {
			t.st.errors++ // failed, or acknowledged late without the confirmation
			continue
		}
		t.st.acks = append(t.st.acks, s.ack)
	}
}

// runStores measures slash-command answers against one SQLite node, one PostgreSQL node and two
// PostgreSQL replicas (requests alternating between them) in one run, rounds interleaved so
// that each target sees the same machine, and checks every answer was stored once.
func runStores(pgURL string, rounds, n, c int, keep bool) error {
	dir, cleanup, err := workDir(rounds, n, c, keep)
	if err != nil {
		return err
	}
	defer cleanup()
	ctx := context.Background()
	urls, settings, drop, err := loadSchemas(ctx, pgURL, keep, 3)
	if err != nil {
		return err
	}
	defer drop()
	// The same replicas with commits not waiting for the WAL flush: the durability class of the
	// SQLite node's synchronous=NORMAL (a crashed pyqbot loses nothing; a crashed server or
	// machine may lose the last commits), to tell the cost of the server's flush from the rest.
	async, err := withParam(urls[2], "synchronous_commit", "off")
	if err != nil {
		return err
	}
	bank, err := content.Bank(content.Options{})
	if err != nil {
		return err
	}
	fake, err := newFakeSlack()
	if err != nil {
		return err
	}
	defer fake.close()
	var tops []*topology
	defer func() {
		for _, t := range tops {
			t.stop()
		}
	}()
	for _, spec := range []struct {
		name, target string
		replicas     int
	}{{"1 SQLite node", filepath.Join(dir, "pyqbot.db"), 1}, {"1 PostgreSQL node", urls[0], 1}, {"2 PostgreSQL replicas", urls[1], 2},
		{"2 replicas, async commit", async, 2}} {
		t, err := startTopology(ctx, spec.name, spec.target, spec.replicas, fake, bank)
		if err != nil {
			return err
		}
		tops = append(tops, t)
	}
	fmt.Printf("%d CPUs (GOMAXPROCS %d); %s\nSlack slash-command answers, %d rounds x %d requests, %d in flight, targets interleaved round by round; "+
		"replicas in this process, each with its own store handle, engine, adapter and HTTP server; SQLite WAL, synchronous=NORMAL\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), settings, rounds, n, c)
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 2 * c, MaxIdleConnsPerHost: c}, Timeout: 30 * time.Second}
	// A warm-up round per target, not counted: connection pools (to the server and from the
	// client) fill, so no target's figures carry its start-up.
	for k, t := range tops {
		t.round(client, fake, fmt.Sprintf("W%d", k), 0, c, c)
		t.st, t.busy = stats{}, 0
	}
	probe := hostProbe()
	steal0, busy0, ok0 := machineTicks()
	for r := range rounds {
		for k := range tops {
			t := tops[(k+r)%len(tops)] // each target takes its turn going first
			settle()                   // what the last round left behind (name refreshes) slows no other
			t.round(client, fake, fmt.Sprintf("T%d", (k+r)%len(tops)), r, n, c)
		}
	}
	stolen := "host probe " + probe.Round(10*time.Microsecond).String() + ", " + stealSince(steal0, busy0, ok0)
	var failures []string
	for _, t := range tops {
		stored, err := t.nodes[0].store.CountAnswers(ctx, t.post.ID)
		if err != nil {
			return err
		}
		fmt.Printf("%-25s answers/s %-7.0f ack p50=%-8s p99=%-8s max=%-8s errors=%d stored %d of %d (%d warm-up)\n", t.name,
			float64(rounds*n)/t.busy.Seconds(), t.st.p(t.st.acks, .5).Round(100*time.Microsecond), t.st.p(t.st.acks, .99).Round(100*time.Microsecond),
			t.st.p(t.st.acks, 1).Round(100*time.Microsecond), t.st.errors, stored, rounds*n+c, c)
		if t.st.errors > 0 || stored != rounds*n+c {
			failures = append(failures, fmt.Sprintf("%s: %d errors, %d of %d stored", t.name, t.st.errors, stored, rounds*n+c))
		}
	}
	ratio := float64(tops[2].st.p(tops[2].st.acks, .99)) / float64(tops[0].st.p(tops[0].st.acks, .99))
	fmt.Printf("\nack p99: 2 PostgreSQL replicas / 1 SQLite node = %.2f (goal <= %.1f); 1 PostgreSQL node / 1 SQLite node = %.2f; %s\n",
		ratio, replicaGoal, float64(tops[1].st.p(tops[1].st.acks, .99))/float64(tops[0].st.p(tops[0].st.acks, .99)), stolen)
	if ratio > replicaGoal {
		failures = append(failures, fmt.Sprintf("replicas' ack p99 is %.2fx the SQLite node's, over %.1f", ratio, replicaGoal))
	}
	if len(failures) > 0 {
		return errors.New(strings.Join(failures, "; "))
	}
	fmt.Println("all goals met")
	return nil
}

// loadSchemas creates n empty schemas on the server at pgURL, one per PostgreSQL target, and
// returns their URLs, the server's version and durability settings, and a function that drops them.
func loadSchemas(ctx context.Context, pgURL string, keep bool, n int) (urls []string, settings string, drop func(), err error) {
	admin, err := sql.Open("pgx", pgURL)
	if err != nil {
		return nil, "", nil, err
	}
	var names []string
	drop = func() {
		for _, s := range names {
			if !keep {
				admin.ExecContext(context.WithoutCancel(ctx), `DROP SCHEMA `+s+` CASCADE`)
			}
		}
		admin.Close()
	}
	var version, fsync, syncCommit string
	if err := admin.QueryRowContext(ctx, `SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')`).Scan(&version, &fsync, &syncCommit); err != nil {
		drop()
		return nil, "", nil, fmt.Errorf("-postgres: the server does not answer: %w", err)
	}
	settings = fmt.Sprintf("PostgreSQL %s, fsync=%s, synchronous_commit=%s", version, fsync, syncCommit)
	for i := range n {
		name := fmt.Sprintf("pyqbot_load_%d_%d", os.Getpid(), i)
		if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+name); err != nil {
			drop()
			return nil, "", nil, fmt.Errorf("-postgres: create schema %s: %w", name, err)
		}
		names = append(names, name)
		u, err := withParam(pgURL, "search_path", name)
		if err != nil {
			drop()
			return nil, "", nil, err
		}
		urls = append(urls, u)
	}
	return urls, settings, drop, nil
}

// withParam returns the PostgreSQL URL with a connection parameter set (pgx sends unknown ones to
// the server as run-time settings).
func withParam(pgURL, key, value string) (string, error) {
	u, err := url.Parse(pgURL)
	if err != nil {
		return "", errors.New("-postgres: the URL does not parse: write it as postgres://user:password@host:5432/dbname")
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String(), nil
}
