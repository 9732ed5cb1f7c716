package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/storage/pgtest"
)

// Discord with replicas is served over signed HTTP interactions (README: the gateway allows one
// session per shard, so gateway mode runs in one replica): two binaries on one PostgreSQL answer
// interactions alternating between them. A captured /pyq today sent again to the other replica is
// refused by the database's replay memory; 300 answers are each stored once.
func TestDiscordHTTPTwoReplicasOnPostgres(t *testing.T) {
	t.Parallel()
	pgURL, api, config := discordOnPostgres(t, "http")
	start := func() *binaryRun {
		b := startBinary(t, config, discordEnv()...)
		b.waitLog(t, "discord receiving interactions over HTTP")
		return b
	}
	replicas := []*binaryRun{start(), start()}

	today := signDiscord(guildInteraction("g1", "c1", "u-lead", "Lead", "32", 2, pyqData("today")))
	if code, out := replicas[0].send(t, today); code != 200 {
		t.Fatalf("today answered %d %s", code, out)
	}
	post := api.wait(t, regexp.MustCompile(`^POST /api/v9/channels/c1/messages (.*· id ([a-z0-9-]+)".*)$`))
	if code, out := replicas[1].send(t, today); code != 200 || !strings.Contains(out, "already received") {
		t.Errorf("the captured /pyq today on the other replica answered %d %s, want the replay refused", code, out)
	}
	bank := exportedBank(t)
	q, ref, right, postID := discordQuestion(bank, post)

	const answers = 300
	addrs := []string{"http://" + replicas[0].addr, "http://" + replicas[1].addr}
	results := burst(t, answers, 16, answers+1, func(client *http.Client, i int) burstResult {
		u := fmt.Sprintf("ud%04d", i)
		typ, data := discordAnswer(q, ref, right)
		r := do(client, signDiscord(guildInteraction("g1", "c1", u, u, "0", typ, data)).request(addrs[i%2]))
		r.user = u
		return r
	}, func() {})

	pg := openPostgres(t, pgURL)
	// A deferred response (type 5) is finished after it; every other one carries the confirmation.
	deferred := 0
	for _, r := range results {
		switch {
		case r.status == 200 && strings.Contains(r.body, `"type":4`) && strings.Contains(r.body, "Recorded your answer"):
		case r.status == 200 && (strings.Contains(r.body, `"type":5`) || strings.Contains(r.body, `"type":6`)):
			deferred++
		default:
			t.Errorf("%s's answer: %d %s", r.user, r.status, r.body)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	have := storedAnswers(t, pg, postID)
	for len(have) < answers && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond) // deferred answers commit after their response; no change feed to wait on
		have = storedAnswers(t, pg, postID)
	}
	for i := range answers {
		if u := fmt.Sprintf("ud%04d", i); have[u] != 1 {
			t.Errorf("%s's answer is stored %d times, want once", u, have[u])
		}
	}
	if n := len(questionPosts(api, "c1")); n != 1 {
		t.Errorf("%d questions posted, want 1", n)
	}
	t.Logf("%d answers over two replicas: %d confirmed in the response, %d deferred; %d stored", answers, answers-deferred, deferred, len(have))
}

// Gateway mode is for one replica: on PostgreSQL a second replica started in gateway mode is
// refused at start-up, naming what to do, while the first holds the session; once the holder is
// SIGKILLed, its replacement starts at once (the role ends with the dead process's connection) and
// opens the gateway.
func TestDiscordGatewayRefusesASecondReplica(t *testing.T) {
	t.Parallel()
	_, _, config := discordOnPostgres(t, "gateway")
	holder := startBinary(t, config, discordEnv()...)
	holder.waitLog(t, "discord connected to the gateway")

	second := exec.Command(binary, "run", "--config", config)
	second.Env = append(second.Environ(), discordEnv()...)
	var stderr bytes.Buffer
	second.Stderr = &stderr
	done := make(chan error, 1)
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- second.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("the second gateway replica exited with %v, want status 1", err)
		}
	case <-time.After(20 * time.Second):
		second.Process.Kill()
		t.Fatalf("a second replica in gateway mode kept running:\n%s", stderr.String())
	}
	if want := `another pyqbot replica on this database holds Discord's gateway session`; !strings.Contains(stderr.String(), want) ||
		!strings.Contains(stderr.String(), `mode = "http"`) {
		t.Errorf("the second replica's error lacks %q and the way out:\n%s", want, stderr.String())
	}
	if strings.Contains(stderr.String(), "connected to the gateway") {
		t.Errorf("the refused replica opened a gateway session:\n%s", stderr.String())
	}

	holder.cmd.Process.Kill()
	holder.wait()
	replacement := startBinary(t, config, discordEnv()...)
	replacement.waitLog(t, "discord connected to the gateway")
}

// discordOnPostgres is a fresh PostgreSQL database (the test skips without a server), a fake Discord
// API and a config serving Discord in mode on that database with no scheduled reveal.
func discordOnPostgres(t *testing.T, mode string) (pgURL string, api *fakeDiscordAPI, config string) {
	t.Helper()
	pgtest.Require(t)
	pgURL = pgtest.URL(t)
	api = newFakeDiscordAPI(t)
	return pgURL, api, writeFile(t, "discord-"+mode+".toml", storageTOML(pgURL)+listenTOML+discordTOML(mode, api)+noRevealTOML)
}
