// Command pyqbot-load measures how fast pyqbot acknowledges and confirms answers, against a floor
// on the same machine, and checks that every answer was stored.
//
//	go run ./cmd/pyqbot-load [-rounds 5] [-n 200] [-c 150] [-only slash,buttons,discord] [-v] [-keep] [-cpuprofile FILE] [-memprofile FILE] [-blockprofile FILE]
//
// It runs, in this process and on loopback, the real pyqbot pieces as `pyqbot run` wires them: a
// SQLite file (storage.Open), the engine with the built-in bank, scheduling and metrics (the
// scheduler's loop does not run, so nothing is posted or revealed mid-round), and the Slack and Discord
// adapters in HTTP mode behind one net/http server, with a cheap fake Slack Web API (fixed JSON
// replies; response_url arrivals timed) and the Discord fake. For each kind of request (Slack
// slash commands, Slack button presses, Discord signed interactions) it sends -rounds rounds of
// -n answers from new users, -c at a time, alternating each round with the same load against a
// floor: a handler that verifies the signature, commits one row with pyqbot's durability settings
// and replies in the response.
//
// Ack is the time from sending a request until its whole response was read (what Slack's and
// Discord's 3-second limits are about). Confirmation is the time until the user would see
// "Recorded": the acknowledgement itself for a slash command or Discord interaction answered in
// time, the response_url message for a button press (or a late slash command). Cpu/request is this
// process's CPU time per request over each target's rounds (the load generator's share included,
// the same for both targets): on a shared machine the latencies move with what else runs, this
// does not, so it is the steadier before/after figure. After each round the process is left to go
// idle, so work a round leaves behind (footer edits, users.info refreshes) is charged to it and
// does not slow the next round, which may be the floor's. Each kind's line also gives two figures
// of the host, for comparing runs: a probe (a fixed piece of CPU work timed before the rounds; a
// slower host, shared with other virtual machines, gives a larger one and longer latencies) and
// the share of busy CPU time /proc/stat counts as stolen by the hypervisor. Goals: ack and
// confirmation p99 at most 1.5x the floor's for slash commands and Discord, 2.5x for buttons;
// no errors; every answer stored. It exits 1 when a goal is missed.
//
//	go run ./cmd/pyqbot-load -postgres URL [-rounds 5] [-n 200] [-c 150]
//
// compares stores instead: Slack slash-command answers against one SQLite node, one PostgreSQL node
// and two PostgreSQL replicas on one database (requests alternating between them), each replica its
// own store handle, engine, Slack adapter and HTTP server, all in this process, rounds interleaved.
// It creates two schemas on the server at URL and drops them after. It prints answers/s and ack
// p50/p99 for each and the replicas' ack p99 over the SQLite node's; goal: at most 2x, no errors,
// every answer stored.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite"

	"github.com/pyqbot/pyqbot/adapters/discord"
	"github.com/pyqbot/pyqbot/adapters/slack"
)

func main() {
	rounds := flag.Int("rounds", 5, "rounds per kind of request and target")
	n := flag.Int("n", 200, "requests per round")
	c := flag.Int("c", 150, "requests in flight at once")
	keep := flag.Bool("keep", false, "keep the temporary directory")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	only := flag.String("only", "", "run only these kinds of request: slash, buttons, discord (comma-separated; default all)")
	pgURL := flag.String("postgres", "", "compare one SQLite node, one PostgreSQL node and two PostgreSQL replicas on the server at this URL")
	flag.BoolVar(&verbose, "v", false, "print each round's p99s as well")
	memprofile := flag.String("memprofile", "", "write the run's allocations (pprof allocs profile) to this file at the end")
	blockprofile := flag.String("blockprofile", "", "write where goroutines waited (pprof block profile: channels, locks, selects) to this file at the end")
	flag.Parse()
	// Bad flags are refused before anything starts, with exit status 2 as the flag package's own.
	if _, err := selectKinds(*only); err != nil || *rounds < 1 || *n < 1 || *c < 1 || flag.NArg() > 0 {
		if err == nil {
			err = errors.New("-rounds, -n and -c must be positive, and it takes no arguments")
		}
		fmt.Fprintln(os.Stderr, "pyqbot-load:", err)
		os.Exit(2)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "pyqbot-load: -cpuprofile:", err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	if *blockprofile != "" {
		runtime.SetBlockProfileRate(1) // every wait: the point is latency that is not CPU
	}
	var err error
	if *pgURL != "" {
		err = runStores(*pgURL, *rounds, *n, *c, *keep)
	} else {
		err = run(*rounds, *n, *c, *keep, *only)
	}
	for _, p := range []struct{ flag, file, profile string }{{"-memprofile", *memprofile, "allocs"}, {"-blockprofile", *blockprofile, "block"}} {
		if p.file == "" {
			continue
		}
		if werr := writeProfile(p.file, p.profile); werr != nil {
			fmt.Fprintln(os.Stderr, "pyqbot-load: "+p.flag+":", werr)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pyqbot-load:", err)
		pprof.StopCPUProfile() // os.Exit skips the deferred stop
		os.Exit(1)
	}
}

func writeProfile(path, profile string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(profile).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type kind struct {
	name  string
	goal  float64
	users string // user id prefix
	flag  string // its name for -only
	slack bool   // answers the Slack question (else the Discord one)
}

var kinds = []kind{
	{"slack slash command", 1.5, "S", "slash", true},
	{"slack button press", 2.5, "B", "buttons", true},
	{"discord interaction", 1.5, "D", "discord", false},
}

// selectKinds is the kinds -only names (a comma-separated list), or all of them.
func selectKinds(only string) ([]kind, error) {
	if only == "" {
		return kinds, nil
	}
	var out []kind
	for _, name := range strings.Split(only, ",") {
		i := slices.IndexFunc(kinds, func(k kind) bool { return k.flag == strings.TrimSpace(name) })
		if i < 0 {
			return nil, fmt.Errorf("-only %q: say slash, buttons or discord (or several, comma-separated)", name)
		}
		if !slices.Contains(out, kinds[i]) { // twice would send the same users' answers again
			out = append(out, kinds[i])
		}
	}
	return out, nil
}

// workDir checks the run's sizes and makes the directory for its files; cleanup removes it
// unless keep (then its path is printed, to look at the databases afterwards).
func workDir(rounds, n, c int, keep bool) (dir string, cleanup func(), err error) {
	if rounds < 1 || n < 1 || c < 1 {
		return "", nil, errors.New("-rounds, -n and -c must be positive")
	}
	dir, err = os.MkdirTemp("", "pyqbot-load-")
	if err != nil {
		return "", nil, err
	}
	if keep {
		fmt.Println("files in", dir)
		return dir, func() {}, nil
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

func run(rounds, n, c int, keep bool, only string) error {
	selected, err := selectKinds(only)
	if err != nil {
		return err
	}
	dir, cleanup, err := workDir(rounds, n, c, keep)
	if err != nil {
		return err
	}
	defer cleanup()
	ctx := context.Background()
	p, err := startPyqbot(ctx, dir)
	if err != nil {
		return err
	}
	defer p.stop()
	fl, err := startFloor(dir)
	if err != nil {
		return err
	}
	defer fl.stop()
	fmt.Printf("%d CPUs (GOMAXPROCS %d), %s/%s; %d rounds x %d requests, %d in flight; Slack question %s, Discord question %s\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, rounds, n, c, p.slackPost.ShortRef(), p.discordPost.ShortRef())
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 2 * c, MaxIdleConnsPerHost: c}, Timeout: 30 * time.Second}

	var failures []string
	var wantSlack, wantDiscord int
	for _, k := range selected {
		if k.slack {
			wantSlack += rounds * n
		} else {
			wantDiscord += rounds * n
		}
		pyq, flo := &stats{}, &stats{}
		var start time.Duration
		settle() // the set-up's work, or the last kind's, is no round's
		probe := hostProbe()
		steal0, busy0, ok0 := machineTicks()
		for r := range rounds {
			targets := []func(){
				func() {
					p.round(client, k, r, n, c, pyq)
					p.idle()
					pyq.cpu += settled(start)
					pyq.roundDone(fmt.Sprint("pyqbot round ", r))
				},
				func() {
					fl.round(client, k, r, n, c, flo)
					flo.cpu += settled(start)
					flo.roundDone(fmt.Sprint("floor  round ", r))
				},
			}
			if r%2 == 1 {
				targets[0], targets[1] = targets[1], targets[0] // neither always goes first
			}
			for _, t := range targets {
				start = processCPU()
				t()
			}
		}
		fmt.Println(pyq.line("pyqbot " + k.name))
		fmt.Println(flo.line("floor  " + k.name))
		ackRatio := float64(pyq.p(pyq.acks, .99)) / float64(flo.p(flo.acks, .99))
		confRatio := float64(pyq.p(pyq.confirms, .99)) / float64(flo.p(flo.confirms, .99))
		fmt.Printf("%-26s ack p99 ratio %.2f, confirmation p99 ratio %.2f (goal <= %.1f); cpu/request ratio %.2f; host probe %s, %s\n\n", "", ackRatio, confRatio, k.goal,
			float64(pyq.cpuPer())/float64(flo.cpuPer()), probe.Round(10*time.Microsecond), stealSince(steal0, busy0, ok0))
		if ackRatio > k.goal || confRatio > k.goal {
			failures = append(failures, fmt.Sprintf("%s: p99 ratios %.2f / %.2f over %.1f", k.name, ackRatio, confRatio, k.goal))
		}
		if pyq.errors+flo.errors > 0 || len(pyq.confirms) != rounds*n {
			failures = append(failures, fmt.Sprintf("%s: %d pyqbot and %d floor errors, %d of %d confirmed",
				k.name, pyq.errors, flo.errors, len(pyq.confirms), rounds*n))
		}
	}

	slackStored, err := p.store.CountAnswers(ctx, p.slackPost.ID)
	if err != nil {
		return err
	}
	discordStored, err := p.store.CountAnswers(ctx, p.discordPost.ID)
	if err != nil {
		return err
	}
	var floorRows int
	if err := fl.db.QueryRow(`SELECT COUNT(*) FROM answers`).Scan(&floorRows); err != nil {
		return err
	}
	fmt.Printf("stored: pyqbot Slack %d of %d, Discord %d of %d; floor %d of %d\n",
		slackStored, wantSlack, discordStored, wantDiscord, floorRows, wantSlack+wantDiscord)
	if slackStored != wantSlack || discordStored != wantDiscord || floorRows != wantSlack+wantDiscord {
		failures = append(failures, "not every answer was stored")
	}
	if len(failures) > 0 {
		return errors.New(strings.Join(failures, "; "))
	}
	fmt.Println("all goals met")
	return nil
}

// settled waits for the process to go idle and returns the CPU it used since start.
func settled(start time.Duration) time.Duration {
	settle()
	return processCPU() - start
}

func user(k kind, r, i int) string { return fmt.Sprintf("U%s%02d%05d", k.users, r, i) }

// round sends one round of k to pyqbot and adds its figures to st.
func (p *pyqbot) round(client *http.Client, k kind, r, n, c int, st *stats) {
	names := make([]string, n)
	for i := range n {
		names[i] = user(k, r, i)
	}
	shots := fire(client, n, c, func(i int) *http.Request {
		u := names[i]
		switch k.users {
		case "S":
			return slashRequest(p.base+slack.PathCommands, p.fake.responseURL(u), u, "answer "+p.slackPost.ShortRef()+" "+p.key)
		case "B":
			return buttonRequest(p.base+slack.PathInteractions, p.fake.responseURL(u), u, p.slackPost.ShortRef(), p.key)
		}
		return discordRequest(p.base+discord.InteractionsPath, u, p.discordPost.ShortRef(), p.key)
	})
	// Confirmations that travel through response_url: every button press, and a late slash command.
	var viaURL []string
	for i, s := range shots {
		if k.users == "B" || k.users == "S" && !strings.Contains(s.body, "Recorded your answer") {
			viaURL = append(viaURL, names[i])
		}
	}
	arrived := p.fake.waitConfirmed(viaURL, time.Minute)
	for i, s := range shots {
		if s.err != nil || s.status != http.StatusOK {
			st.errors++
			continue
		}
		st.acks = append(st.acks, s.ack)
		switch {
		case k.users == "D" && strings.Contains(s.body, `"type":4`) && strings.Contains(s.body, "Recorded your answer"):
			st.confirms = append(st.confirms, s.ack)
		case k.users == "D":
			st.errors++ // deferred past 2 s: not expected at this load
		case k.users == "S" && strings.Contains(s.body, "Recorded your answer"):
			st.confirms = append(st.confirms, s.ack)
		default:
			if at, ok := arrived[names[i]]; ok {
				st.confirms = append(st.confirms, at.Sub(s.sent))
			} else {
				st.errors++
			}
		}
	}
}

// round sends one round of k to the floor.
func (f *floor) round(client *http.Client, k kind, r, n, c int, st *stats) {
	shots := fire(client, n, c, func(i int) *http.Request {
		u := "F" + user(k, r, i)
		switch k.users {
		case "S":
			return slashRequest(f.base+"/slack", "", u, "answer #1 A")
		case "B":
			return buttonRequest(f.base+"/slack", "", u, "#1", "A")
		}
		return discordRequest(f.base+"/discord", u, "#1", "A")
	})
	for _, s := range shots {
		if s.err != nil || s.status != http.StatusOK || !strings.Contains(s.body, "Recorded") {
			st.errors++
			continue
		}
		st.acks = append(st.acks, s.ack)
		st.confirms = append(st.confirms, s.ack) // the floor replies in the response
	}
}
