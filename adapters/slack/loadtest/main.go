// Command loadtest measures how fast pyqbot's Slack HTTP endpoint acknowledges slash commands
// under load, against a floor on the same machine.
//
//	go run ./adapters/slack/loadtest [-n 1000] [-c 200] [-keep]
//
// It starts, in this process and on loopback, the real pyqbot pieces: a SQLite database file in a
// temporary directory (storage.Open), the engine with the built-in question bank, and the Slack
// adapter in HTTP mode behind a net/http server, with a fake Slack (slackfake) for the Web API and
// response_url. It posts a question, then fires -n signed `/pyq answer` slash commands from
// distinct users, -c at a time, and prints the p50/p99/max latency of the acknowledgements (what
// Slack's 3-second limit is about), plus how long until each private reply reached response_url.
//
// Then it fires the same load at a minimal handler that only verifies the signature and commits
// one row to its own SQLite file (same pragmas as pyqbot's store) before answering: the floor for a
// handler that commits before acknowledging. Finally it checks that every answer is in the
// database. Flags:
//
//	-n     requests per run (default 1000)
//	-c     requests in flight at once (default 200)
//	-keep  keep the temporary directory and print its path
//
// It exits 1 if any request failed, if an answer is missing, or if pyqbot's p99 is more than 1.5×
// the floor's.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite"

	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/content"
	"github.com/pyqbot/pyqbot/storage"
)

const secret = "loadtest-signing-secret"

func main() {
	n := flag.Int("n", 1000, "requests per run")
	c := flag.Int("c", 200, "requests in flight at once")
	keep := flag.Bool("keep", false, "keep the temporary directory")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(*n, *c, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(n, c int, keep bool) error {
	if n < 1 || c < 1 {
		return errors.New("-n and -c must be positive")
	}
	dir, err := os.MkdirTemp("", "pyqbot-loadtest-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("files in", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	pyq, err := runPyqbot(ctx, dir, n, c)
	if err != nil {
		return err
	}
	floor, err := runFloor(dir, n, c)
	if err != nil {
		return err
	}
	ratio := float64(pyq.p99) / float64(floor.p99)
	fmt.Printf("\npyqbot p99 / floor p99 = %.2f (goal ≤ 1.5)\n", ratio)
	if ratio > 1.5 {
		return fmt.Errorf("pyqbot's p99 ack latency is %.2f× the floor's", ratio)
	}
	return nil
}

type result struct{ p50, p99, max time.Duration }

func summarize(name string, lat []time.Duration, wall time.Duration) result {
	slices.Sort(lat)
	pick := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	r := result{p50: pick(0.50), p99: pick(0.99), max: lat[len(lat)-1]}
	rate := ""
	if wall > 0 {
		rate = fmt.Sprintf(" (%.0f req/s)", float64(len(lat))/wall.Seconds())
	}
	fmt.Printf("%-29s n=%d  p50=%-9s p99=%-9s max=%-9s%s\n", name, len(lat),
		r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), r.max.Round(10*time.Microsecond), rate)
	return r
}

// fire sends n signed slash commands to url, c at a time, and returns each one's latency and the
// time each was sent (by user index).
func fire(target string, n, c int, body func(i int) string) (lat []time.Duration, sent []time.Time, wall time.Duration, err error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: c, MaxIdleConnsPerHost: c}, Timeout: 30 * time.Second}
	lat, sent = make([]time.Duration, n), make([]time.Time, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, c)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			b := body(i)
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(b))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", slack.Sign(secret, ts, []byte(b)))
			sent[i] = time.Now()
			resp, err := client.Do(req)
			if err != nil {
				errs <- err
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			lat[i] = time.Since(sent[i])
			if resp.StatusCode != http.StatusOK {
				errs <- fmt.Errorf("request %d: status %d", i, resp.StatusCode)
			}
		})
	}
	wg.Wait()
	wall = time.Since(start)
	close(errs)
	for e := range errs {
		return nil, nil, 0, e
	}
	return lat, sent, wall, nil
}

func user(i int) string { return fmt.Sprintf("U%05d", i) }

// runPyqbot loads the real adapter + engine + store.
func runPyqbot(ctx context.Context, dir string, n, c int) (result, error) {
	fake := slackfake.New()
	defer fake.Close()
	store, err := storage.Open(ctx, filepath.Join(dir, "pyqbot.db"))
	if err != nil {
		return result{}, err
	}
	defer store.Close()
	bank, err := content.Bank(content.Options{})
	if err != nil {
		return result{}, err
	}
	engine := bot.New(bot.Config{Store: store, Bank: bank, Seed: 1})
	a := slack.New(slack.Options{Settings: slack.Settings{Mode: slack.ModeHTTP, APIURL: fake.APIURL(), BotToken: slackfake.BotToken, SigningSecret: secret},
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	engine.AddAdapter(a)
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	runDone := make(chan error, 1)
	go func() { runDone <- a.Run(runCtx, engine) }()
	<-a.Ready()

	mux := http.NewServeMux()
	a.Register(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return result{}, err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()

	// Today's question, and an answer every user can give to it.
	conv := bot.Conversation{Platform: "slack", Workspace: slackfake.TeamID, Channel: "C_LOAD"}
	engine.Handle(ctx, bot.Event{Conv: conv, User: bot.User{ID: "ULEAD", Name: "lead"}, Text: "today"})
	ch, err := store.EnsureChannel(ctx, conv, "UTC")
	if err != nil {
		return result{}, err
	}
	open, err := store.OpenPosts(ctx, ch.ID)
	if err != nil || len(open) != 1 {
		return result{}, fmt.Errorf("posting the question: %d open, %v", len(open), err)
	}
	post := open[0]
	q := bank.Get(post.QuestionID)
	answer := "a queue between the I/O and a process pool"
	if !q.FreeText() {
		answer = q.Choices[0].Key
	}
	fmt.Printf("question %s (%s), %d signed `/pyq answer %s %s` requests, %d at a time, to %s\n\n",
		post.ShortRef(), q.Kind, n, post.ShortRef(), answer, c, "http://"+ln.Addr().String()+slack.PathCommands)

	lat, sent, wall, err := fire("http://"+ln.Addr().String()+slack.PathCommands, n, c, func(i int) string {
		return url.Values{"team_id": {slackfake.TeamID}, "channel_id": {"C_LOAD"}, "user_id": {user(i)}, "user_name": {user(i)},
			"command": {"/pyq"}, "text": {"answer " + post.ShortRef() + " " + answer}, "response_url": {fake.ResponseURL(user(i))}}.Encode()
	})
	if err != nil {
		return result{}, err
	}
	r := summarize("pyqbot ack (HTTP 200)", lat, wall)

	// Every user hears back privately; how long after sending did each reply arrive?
	calls, err := fake.WaitCalls("response_url", n, 2*time.Minute)
	if err != nil {
		return result{}, err
	}
	var replyLat []time.Duration
	recorded := 0
	for _, call := range calls {
		i, err := strconv.Atoi(strings.TrimPrefix(call.Path, "/response/U"))
		if err != nil || i < 0 || i >= n {
			continue
		}
		replyLat = append(replyLat, call.At.Sub(sent[i]))
		if strings.Contains(call.Get("text"), "Recorded your answer") {
			recorded++
		}
	}
	summarize("pyqbot reply via response_url", replyLat, 0) // from sending to the reply arriving
	stop()
	if err := <-runDone; err != nil {
		return result{}, err
	}
	answers, err := store.Answers(ctx, post.ID)
	if err != nil {
		return result{}, err
	}
	fmt.Printf("answers in the database: %d of %d; \"Recorded\" replies: %d\n", len(answers), n, recorded)
	if len(answers) != n || recorded != n {
		return result{}, fmt.Errorf("%d answers stored and %d confirmed, want %d", len(answers), recorded, n)
	}
	return r, nil
}

// runFloor loads a minimal handler: verify the signature, commit one row, answer 200.
func runFloor(dir string, n, c int) (result, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Add("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "floor.db")+"?"+q.Encode())
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE answers (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL UNIQUE, text TEXT NOT NULL, at INTEGER NOT NULL)`); err != nil {
		return result{}, err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := slack.Verify(secret, time.Now(), r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature"), body); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		v, _ := url.ParseQuery(string(body))
		if _, err := db.ExecContext(r.Context(), `INSERT INTO answers (user_id, text, at) VALUES (?, ?, ?)`, v.Get("user_id"), v.Get("text"), time.Now().UnixNano()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return result{}, err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()
	lat, _, wall, err := fire("http://"+ln.Addr().String()+"/floor", n, c, func(i int) string {
		return url.Values{"team_id": {slackfake.TeamID}, "channel_id": {"C_LOAD"}, "user_id": {user(i)}, "command": {"/pyq"}, "text": {"answer #1 A"}}.Encode()
	})
	if err != nil {
		return result{}, err
	}
	fmt.Println()
	r := summarize("floor (verify + commit) ack", lat, wall)
	var rows int
	if err := db.QueryRow(`SELECT count(*) FROM answers`).Scan(&rows); err != nil || rows != n {
		return result{}, fmt.Errorf("floor stored %d rows, want %d (%v)", rows, n, err)
	}
	fmt.Printf("rows in the floor's database: %d of %d\n", rows, n)
	return r, nil
}
