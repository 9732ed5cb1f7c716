package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/storage"
	"github.com/pyqbot/pyqbot/storage/pgtest"
)

// Size of the two-replica burst: distinct users, requests in flight, acknowledgements before the kill.
const (
	replicaBurst       = 1000
	replicaConcurrency = 32
	replicaKillAfter   = 300
)

// slackReplicaConfig is a Slack HTTP-mode config on the store target (a PostgreSQL URL or a SQLite
// path) with no scheduled job unless more adds [[schedule]] entries.
func slackReplicaConfig(t *testing.T, target string, fake *slackfake.Server, more string) string {
	t.Helper()
	if more == "" {
		more = noQuestionTOML
	}
	return writeFile(t, "replica.toml", storageTOML(target)+listenTOML+slackHTTPTOML(fake)+more)
}

// slackOnPostgres is a fresh PostgreSQL database (the test skips without a server), a Slack fake and
// a Slack HTTP-mode config on that database with no scheduled job.
func slackOnPostgres(t *testing.T) (pgURL string, fake *slackfake.Server, config string) {
	t.Helper()
	pgtest.Require(t)
	pgURL = pgtest.URL(t)
	fake = slackfake.New()
	t.Cleanup(fake.Close)
	return pgURL, fake, slackReplicaConfig(t, pgURL, fake, "")
}

// startReplica runs the binary on config and waits until it serves Slack. Its log is buffered in
// memory (binaryRun), so a thousand log lines never block the process.
func startReplica(t *testing.T, config string) *binaryRun {
	t.Helper()
	b := startBinary(t, config, "SLACK_SIGNING_SECRET="+e2eSecret)
	b.waitLog(t, "slack connected")
	return b
}

// signedCommand is a /pyq slash command from user in channel, signed as Slack signs it, for base.
func signedCommand(fake *slackfake.Server, base, channel, user, text string) *http.Request {
	return signedSlack(e2eSecret, base+slack.PathCommands, slashForm(channel, user, text, fake.ResponseURL(user)).Encode())
}

// slash sends one command to b and returns the acknowledgement's body, failing on anything but 200.
func slash(t *testing.T, fake *slackfake.Server, b *binaryRun, channel, user, text string) string {
	t.Helper()
	r := do(e2eClient, signedCommand(fake, "http://"+b.addr, channel, user, text))
	if r.status != http.StatusOK {
		t.Fatalf("/pyq %s on %s: status %d %s\nlog:\n%s", text, b.addr, r.status, r.body, b.logs())
	}
	return r.body
}

// openQuestion posts an output question in C_DAILY through b and returns it with its right and
// wrong answers.
func openQuestion(t *testing.T, fake *slackfake.Server, b *binaryRun) (ref, right, wrong string) {
	t.Helper()
	bank := exportedBank(t)
	fake.SetUser("ULEAD", slackfake.User{Name: "lead", Admin: true})
	if reply := slash(t, fake, b, "C_DAILY", "ULEAD", "filter kinds output"); !strings.Contains(reply, "output") {
		t.Fatalf("filter: %s", reply)
	}
	slash(t, fake, b, "C_DAILY", "ULEAD", "today")
	posts, err := fake.WaitCalls("chat.postMessage", 1, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`· id ([a-z0-9-]+)`).FindStringSubmatch(posts[0].Form.Get("blocks"))
	if m == nil || bank[m[1]].Kind != "output" {
		t.Fatalf("the filter asked for an output question, got %v", m)
	}
	right, wrong = rightAndWrong(bank[m[1]])
	return "#1", right, wrong
}

// replicaUser is the i-th player of the burst; every third one answers wrong, so the board has two
// point levels and an accuracy column that differs between players.
func replicaUser(i int) (user string, right bool) { return fmt.Sprintf("UR%04d", i), i%3 != 0 }

// storedAnswers counts the answer rows of post postID per user, read straight from the database.
func storedAnswers(t *testing.T, db *sql.DB, postID int64) map[string]int {
	t.Helper()
	rows, err := db.Query(`SELECT u.external_id, count(*) FROM answers a JOIN users u ON u.id = a.user_id WHERE a.post_id = $1 GROUP BY u.external_id`, postID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var user string
		var n int
		if err := rows.Scan(&user, &n); err != nil {
			t.Fatal(err)
		}
		out[user] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func recordedAck(r burstResult) bool {
	return r.status == http.StatusOK && strings.Contains(r.body, "Recorded your answer")
}

// weekStandings is the week's full ranking in the Slack workspace of the store at target, as a
// line per player (rank, id, name, points, right/answered): what the weekly board is drawn from.
func weekStandings(t *testing.T, target string) []string {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ch, err := st.EnsureChannel(ctx, bot.Conversation{Platform: "slack", Workspace: slackfake.TeamID, Channel: "C_DAILY"}, "UTC")
	if err != nil {
		t.Fatal(err)
	}
	from, to := bot.Week.Range(time.Now(), ch.Location())
	standings, err := st.Leaderboard(ctx, ch.WorkspaceID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	bot.Rank(standings)
	var out []string
	for _, s := range standings {
		out = append(out, fmt.Sprintf("%d %s %s %d %d/%d", s.Rank, s.User.ID, s.User.Name, s.Points, s.Correct, s.Judged))
	}
	return out
}

// Two replicas on one PostgreSQL, requests alternating between them: 1,000 answers from distinct
// users; one replica is SIGKILLed mid-burst and restarted, and what was not acknowledged is sent
// again, as Slack users would. Every answer acknowledged as recorded is in the database, every
// user's answer is stored exactly once, and the weekly leaderboard is the one a single SQLite node
// shows for the same answers.
func TestTwoReplicasOnPostgres(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("1,000 answers through two built binaries on PostgreSQL")
	}
	pgURL, fake, config := slackOnPostgres(t)
	replicas := []*binaryRun{startReplica(t, config), startReplica(t, config)}
	ref, right, wrong := openQuestion(t, fake, replicas[0])
	answer := func(i int) string {
		if _, ok := replicaUser(i); ok {
			return "answer " + ref + " " + right
		}
		return "answer " + ref + " " + wrong
	}

	started := time.Now()
	bases := []string{"http://" + replicas[0].addr, "http://" + replicas[1].addr}
	results := burst(t, replicaBurst, replicaConcurrency, replicaKillAfter, func(client *http.Client, i int) burstResult {
		u, _ := replicaUser(i)
		r := do(client, signedCommand(fake, bases[i%2], "C_DAILY", u, answer(i)))
		r.user = u
		return r
	}, func() { replicas[0].cmd.Process.Kill() })
	replicas[0].wait()
	burstTook := time.Since(started)

	pg := openPostgres(t, pgURL)
	have := storedAnswers(t, pg, 1)
	var acked, toA, lostA, retry []int
	for i, r := range results {
		if recordedAck(r) {
			acked = append(acked, i)
			if have[r.user] != 1 {
				t.Errorf("%s was acknowledged as recorded (%q) but is stored %d times", r.user, r.body, have[r.user])
			}
			continue
		}
		retry = append(retry, i)
		if i%2 == 0 {
			toA = append(toA, i)
			if r.status == 0 {
				lostA = append(lostA, i)
			}
		} else if r.status != 0 {
			t.Errorf("replica B, which stayed up, answered %s with %d %q", r.user, r.status, r.body)
		}
	}
	if len(lostA) == 0 {
		t.Errorf("no request to replica A went unanswered: the kill came after its share of the burst, so it proves nothing")
	}
	t.Logf("burst: %d answers to 2 replicas (%d at a time) in %s, replica A killed after %d acknowledgements: "+
		"%d acknowledged as recorded, %d stored, %d not acknowledged (%d of them sent to A; %d got no response)",
		replicaBurst, replicaConcurrency, burstTook.Round(time.Millisecond), replicaKillAfter, len(acked), len(have), len(retry), len(toA), len(lostA))

	// A restarted on the same database; every request without a "Recorded" is sent again, spread
	// over both replicas. A retry of an answer that was stored but never acknowledged is told so.
	replicas[0] = startReplica(t, config)
	bases[0] = "http://" + replicas[0].addr
	client := &http.Client{Transport: e2eClient.Transport, Timeout: 20 * time.Second} // not the default transport (see e2eClient)
	var already int
	for n, i := range retry {
		u, _ := replicaUser(i)
		r := do(client, signedCommand(fake, bases[n%2], "C_DAILY", u, answer(i)))
		switch {
		case recordedAck(r):
		case r.status == http.StatusOK && strings.Contains(r.body, "You already answered "+ref):
			already++
		default:
			t.Errorf("retry of %s: %d %q", u, r.status, r.body)
		}
	}
	have = storedAnswers(t, pg, 1)
	if len(have) != replicaBurst {
		t.Errorf("%d users have an answer stored, want all %d", len(have), replicaBurst)
	}
	for i := range replicaBurst {
		if u, _ := replicaUser(i); have[u] != 1 {
			t.Errorf("%s's answer is stored %d times, want once", u, have[u])
		}
	}
	t.Logf("retries: %d sent, %d told they had already answered (stored, not acknowledged before the kill)", len(retry), already)

	// The reveal on one replica, the board asked on the other.
	revealStart := time.Now()
	reveal(t, fake, replicas[1], ref)
	t.Logf("reveal of %d answers on a replica: posted %s after the command", replicaBurst, time.Since(revealStart).Round(time.Millisecond))
	pgBoard := slash(t, fake, replicas[0], "C_DAILY", "UR0001", "leaderboard week")
	pgStandings := weekStandings(t, pgURL)
	if len(pgStandings) != replicaBurst {
		t.Fatalf("the week's ranking on PostgreSQL has %d players, want %d", len(pgStandings), replicaBurst)
	}

	// The same answers on one node on SQLite: its own question (the pick is random), the same
	// players, each right or wrong as before.
	sfake := slackfake.New()
	t.Cleanup(sfake.Close)
	singleDB := filepath.Join(t.TempDir(), "single.db")
	single := startReplica(t, slackReplicaConfig(t, singleDB, sfake, ""))
	sref, sright, swrong := openQuestion(t, sfake, single)
	burst(t, replicaBurst, replicaConcurrency, replicaBurst+1, func(client *http.Client, i int) burstResult {
		u, ok := replicaUser(i)
		a := swrong
		if ok {
			a = sright
		}
		r := do(client, signedCommand(sfake, "http://"+single.addr, "C_DAILY", u, "answer "+sref+" "+a))
		if !recordedAck(r) {
			t.Errorf("single node: %s's answer: %d %q", u, r.status, r.body)
		}
		return r
	}, func() {})
	reveal(t, sfake, single, sref)
	singleBoard := slash(t, sfake, single, "C_DAILY", "UR0001", "leaderboard week")
	if got, want := pgStandings, weekStandings(t, singleDB); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the week's ranking differs between two PostgreSQL replicas and one SQLite node:\n%s", firstDiff(got, want))
	}
	if pgBoard != singleBoard {
		t.Errorf("/pyq leaderboard week on the replicas:\n%s\nwant what the single node shows:\n%s", pgBoard, singleBoard)
	}
}

// reveal has the lead reveal ref through b and waits for the reveal in the question's thread: the
// answers are graded (in the transaction that closes the question) before it is posted.
func reveal(t *testing.T, fake *slackfake.Server, b *binaryRun, ref string) {
	t.Helper()
	// Grading a thousand answers can outlast the 2 s acknowledgement deadline: then the ack says
	// the reply follows, and the reveal still goes out.
	if reply := slash(t, fake, b, "C_DAILY", "ULEAD", "reveal"); reply != "" && !strings.Contains(reply, bot.PendingText("reveal")) {
		t.Fatalf("reveal answered %q, want it posted in the channel", reply)
	}
	for n := 1; ; n++ {
		posts, err := fake.WaitCalls("chat.postMessage", n, 10*time.Second)
		if err != nil {
			t.Fatalf("no reveal of %s posted: %v\nlog:\n%s", ref, err, b.logs())
		}
		if strings.Contains(posts[n-1].Form.Get("text"), "Answer to "+ref) {
			return
		}
	}
}

// firstDiff names the first line where got and want differ, and their lengths.
func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("line %d: %q, want %q (%d lines, want %d)", i+1, got[i], want[i], len(got), len(want))
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(got), len(want))
}

// slotChannels is how many channels share the scheduled slot.
const slotChannels = 100

// claimsByPID counts the question slot claims in each state per claiming process, read from the
// database; the owner recorded with a claim is host-PID-salt.
func claimsByPID(t *testing.T, db *sql.DB) map[string]map[int]int {
	t.Helper()
	rows, err := db.Query(`SELECT owner, state, attempts FROM slot_claims WHERE job = 'question'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	pid := regexp.MustCompile(`-(\d+)-[0-9a-f]{4}$`)
	out := map[string]map[int]int{}
	for rows.Next() {
		var owner, state string
		var attempts int
		if err := rows.Scan(&owner, &state, &attempts); err != nil {
			t.Fatal(err)
		}
		m := pid.FindStringSubmatch(owner)
		if m == nil {
			t.Fatalf("slot claim owner %q does not name a process", owner)
		}
		if attempts != 1 {
			t.Errorf("a slot of %s took %d attempts: a claim was taken over", owner, attempts)
		}
		p, _ := strconv.Atoi(m[1])
		if out[state] == nil {
			out[state] = map[int]int{}
		}
		out[state][p]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// waitClaims polls the database until ok says the claims are as wanted, or fails at the deadline.
func waitClaims(t *testing.T, db *sql.DB, deadline time.Time, what string, ok func(map[string]map[int]int) bool) map[string]map[int]int {
	t.Helper()
	for {
		c := claimsByPID(t, db)
		if ok(c) {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: claims by state and process are %v", what, c)
		}
		time.Sleep(50 * time.Millisecond) // polling a database that has no change feed; the deadline decides
	}
}

// A question slot shared by 100 channels on two replicas of one PostgreSQL: replica A sets half the
// schedules and is SIGKILLed before the slot; B claims its share at the slot (its posts held by the
// fake, so the slot is still going out); A restarted then claims the channels B has not reached;
// when the fake lets the posts through, every channel has its question exactly once, posted by B
// and the restarted A, none by the dead process, no claim taken over.
func TestSlotSharedBy100ChannelsAcrossReplicas(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("waits for the next whole minute: cron slots are minutes")
	}
	pgURL, fake, config := slackOnPostgres(t)
	a, b := startReplica(t, config), startReplica(t, config)
	pg := openPostgres(t, pgURL)

	// Every question post waits at the fake until released, so the slot stays in flight.
	release := make(chan struct{})
	holds := make([]slackfake.Failure, slotChannels)
	for i := range holds {
		holds[i] = slackfake.Failure{Hold: release}
	}
	fake.Fail("chat.postMessage", holds...)
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()

	// The slot: the first whole minute at least 12 s away, so all schedules are set before it.
	slotAt := time.Now().Add(12 * time.Second).Truncate(time.Minute).Add(time.Minute)
	spec := fmt.Sprintf("%d %d * * *", slotAt.UTC().Minute(), slotAt.UTC().Hour())
	fake.SetUser("ULEAD", slackfake.User{Name: "lead", Admin: true})
	for i := range slotChannels {
		r := []*binaryRun{a, b}[i%2]
		ch := fmt.Sprintf("C%03d", i)
		if reply := slash(t, fake, r, ch, "ULEAD", fmt.Sprintf("schedule set question %q UTC", spec)); !strings.Contains(reply, "now runs on") {
			t.Fatalf("schedule set in %s: %s", ch, reply)
		}
	}
	if time.Now().After(slotAt) {
		t.Fatalf("setting %d schedules ran past the slot at %s", slotChannels, slotAt)
	}
	a.cmd.Process.Kill()
	a.wait()
	bPID := b.cmd.Process.Pid
	t.Logf("slot %q (UTC) at %s; replica A killed, waiting %s for the slot", spec, slotAt.Format(time.TimeOnly), time.Until(slotAt).Round(time.Second))

	// B claims as many channels as it posts to at once, and they wait at the fake.
	perReplica := bot.DefaultPostConcurrency
	waitClaims(t, pg, slotAt.Add(30*time.Second), "B claims its share at the slot", func(c map[string]map[int]int) bool {
		return c["claimed"][bPID] == perReplica
	})
	a = startReplica(t, config)
	aPID := a.cmd.Process.Pid
	waitClaims(t, pg, time.Now().Add(20*time.Second), "the restarted A claims its share", func(c map[string]map[int]int) bool {
		return c["claimed"][aPID] == perReplica
	})
	close(release)

	if _, err := fake.WaitCalls("chat.postMessage", slotChannels, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	claims := waitClaims(t, pg, time.Now().Add(20*time.Second), "every slot posted", func(c map[string]map[int]int) bool {
		return c["posted"][aPID]+c["posted"][bPID] == slotChannels
	})
	if len(claims) != 1 || len(claims["posted"]) != 2 {
		t.Errorf("claims by state and process = %v, want only posted ones, by B (%d) and the restarted A (%d)", claims, bPID, aPID)
	}
	// Every claim is finished, so no process can post the slot again: the fake's count is final.
	posts := fake.Calls("chat.postMessage")
	if len(posts) != slotChannels {
		t.Errorf("%d question posts for %d channels", len(posts), slotChannels)
	}
	for i := range slotChannels {
		ch := fmt.Sprintf("C%03d", i)
		msgs := fake.Messages(ch)
		if len(msgs) != 1 || !strings.Contains(msgs[0].Blocks, "· id ") {
			t.Errorf("%s holds %d messages, want its question once: %v", ch, len(msgs), msgs)
		}
	}
	t.Logf("%d channels: B posted %d, the restarted A %d", slotChannels, claims["posted"][bPID], claims["posted"][aPID])
}

// socketReplica is a replica holding one Socket Mode connection, and that connection's number at
// the fake.
type socketReplica struct {
	*binaryRun
	conn int
}

// startSocketReplica starts the binary in Socket Mode on config and waits for its connection.
func startSocketReplica(t *testing.T, fake *slackfake.Server, config string) socketReplica {
	t.Helper()
	b := startBinary(t, config, "SLACK_BOT_TOKEN="+slackfake.BotToken, "SLACK_APP_TOKEN="+slackfake.AppToken)
	n, err := fake.WaitConnected(20 * time.Second)
	if err != nil {
		t.Fatalf("%v\nlog:\n%s", err, b.logs())
	}
	b.waitLog(t, "slack connected")
	return socketReplica{b, n}
}

// socketCommand is a slash command's Socket Mode payload.
func socketCommand(fake *slackfake.Server, channel, user, text string) map[string]string {
	return map[string]string{"team_id": slackfake.TeamID, "channel_id": channel, "user_id": user, "user_name": strings.ToLower(user),
		"command": "/pyq", "text": text, "response_url": fake.ResponseURL(user), "trigger_id": "t-" + user}
}

// ackText is the text of a slash command's reply carried in its Socket Mode ack.
func ackText(t *testing.T, a slackfake.Ack) string {
	t.Helper()
	var reply struct {
		Text string `json:"text"`
	}
	if len(a.Payload) > 0 {
		if err := json.Unmarshal(a.Payload, &reply); err != nil {
			t.Fatalf("ack payload %s: %v", a.Payload, err)
		}
	}
	return reply.Text
}

// Slack Socket Mode with two replicas on one PostgreSQL, each holding one of the app's
// connections: envelopes spread over both are each handled once. A slash command Slack delivers
// again (same envelope id) on the other connection is refused as a replay; 200 answers alternating
// between the connections are each stored once; an Events API event retried on the other
// connection publishes the App Home once.
func TestSocketModeTwoReplicasEachHoldAConnection(t *testing.T) {
	t.Parallel()
	pgtest.Require(t)
	pgURL := pgtest.URL(t)
	fake := slackfake.New()
	t.Cleanup(fake.Close)
	config := writeFile(t, "socket.toml", storageTOML(pgURL)+listenTOML+"[log]\nlevel = \"debug\"\n"+slackTOML("socket", fake)+noQuestionTOML)
	replicas := []socketReplica{startSocketReplica(t, fake, config), startSocketReplica(t, fake, config)}
	if calls := fake.Calls("apps.connections.open"); len(calls) != 2 {
		t.Fatalf("%d apps.connections.open calls, want one per replica", len(calls))
	}
	send := func(r socketReplica, typ string, payload any) slackfake.Ack {
		t.Helper()
		wait, err := fake.EnvelopeOn(r.conn, typ, payload)
		if err != nil {
			t.Fatal(err)
		}
		a, err := wait(10 * time.Second)
		if err != nil {
			t.Fatalf("%v\nlog:\n%s", err, r.logs())
		}
		return a
	}

	fake.SetUser("ULEAD", slackfake.User{Name: "lead", Admin: true})
	if reply := ackText(t, send(replicas[0], "slash_commands", socketCommand(fake, "C_DAILY", "ULEAD", "filter kinds output"))); !strings.Contains(reply, "output") {
		t.Fatalf("filter: %q", reply)
	}
	// /pyq today on B; Slack delivers the same envelope again, on A's connection.
	today := socketCommand(fake, "C_DAILY", "ULEAD", "today")
	wait, err := fake.Redeliver(replicas[1].conn, "env-today", "slash_commands", today)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wait(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	wait, err = fake.Redeliver(replicas[0].conn, "env-today", "slash_commands", today)
	if err != nil {
		t.Fatal(err)
	}
	again, err := wait(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if reply := ackText(t, again); !strings.Contains(reply, "already received, so it was not run again") {
		t.Errorf("the redelivered /pyq today on the other replica answered %q, want it refused as a replay", reply)
	}
	posts, err := fake.WaitCalls("chat.postMessage", 1, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	bank := exportedBank(t)
	m := regexp.MustCompile(`· id ([a-z0-9-]+)`).FindStringSubmatch(posts[0].Form.Get("blocks"))
	if m == nil || bank[m[1]].Kind != "output" {
		t.Fatalf("want an output question, got %v", m)
	}
	right, _ := rightAndWrong(bank[m[1]])

	// 200 answers, 16 in flight, alternating between the two connections.
	const answers = 200
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	replies := make([]string, answers)
	for i := range answers {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			u, _ := replicaUser(i)
			wait, err := fake.EnvelopeOn(replicas[i%2].conn, "slash_commands", socketCommand(fake, "C_DAILY", u, "answer #1 "+right))
			if err != nil {
				t.Error(err)
				return
			}
			a, err := wait(10 * time.Second)
			if err != nil {
				t.Error(err)
				return
			}
			var reply struct {
				Text string `json:"text"`
			}
			json.Unmarshal(a.Payload, &reply)
			replies[i] = reply.Text
		})
	}
	wg.Wait()
	pg := openPostgres(t, pgURL)
	have := storedAnswers(t, pg, 1)
	for i, reply := range replies {
		u, _ := replicaUser(i)
		if !strings.Contains(reply, "Recorded your answer") || have[u] != 1 {
			t.Errorf("%s (on replica %d): ack %q, stored %d times", u, i%2, reply, have[u])
		}
	}
	if len(have) != answers {
		t.Errorf("%d users have an answer stored, want %d", len(have), answers)
	}
	if n := len(fake.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d messages posted, want the one question", n)
	}

	// An Events API event on A, retried by Slack on B: the App Home is published once.
	home := map[string]any{"type": "event_callback", "team_id": slackfake.TeamID, "event_id": "EvHome1",
		"event": map[string]any{"type": "app_home_opened", "user": "UR0001", "channel": "D0001", "tab": "home"}}
	send(replicas[0], "events_api", home)
	send(replicas[1], "events_api", home)
	if _, err := fake.WaitCalls("views.publish", 1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if !anyLogged(time.Now().Add(20*time.Second), "slack event already handled; retry ignored", replicas[0].binaryRun, replicas[1].binaryRun) {
		t.Fatal("neither replica logged the retried event as already handled")
	}
	if n := len(fake.Calls("views.publish")); n != 1 {
		t.Errorf("the App Home was published %d times for one event delivered twice, want once", n)
	}
}

// anyLogged waits until one of bs has logged a line containing s, or the deadline passes.
func anyLogged(deadline time.Time, s string, bs ...*binaryRun) bool {
	for {
		var changed []chan struct{}
		for _, b := range bs {
			b.mu.Lock()
			found := strings.Contains(b.log.String(), s)
			changed = append(changed, b.changed)
			b.mu.Unlock()
			if found {
				return true
			}
		}
		timer := time.NewTimer(time.Until(deadline))
		select {
		case <-changed[0]:
		case <-changed[1%len(changed)]:
		case <-timer.C:
			return false
		}
		timer.Stop()
	}
}
