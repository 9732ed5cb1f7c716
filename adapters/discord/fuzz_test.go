package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/adapters/discord/discordfake"
	"github.com/pyqbot/pyqbot/bot"
)

// seedPayloads are the interactions the tests send, as Discord sends them.
func seedPayloads() [][]byte {
	return [][]byte{
		[]byte(`{"id":"p1","application_id":"app1","type":1,"token":"tok-p1","version":1}`),
		slash("s1", alice, "answer", "choice", "B", "question", "#12"),
		slash("s2", lead, "filter", "what", "topics", "words", "concurrency security"),
		slash("s3", alice, "practice", "topic", "closures", "difficulty", "senior"),
		press("s4", alice, "pyq:answer #1 B"),
		press("s5", alice, "pyq-multi:#1", "A", "C"),
		press("s6", alice, "pyq-modal:#3"),
		press("s7", lead, "pyq:reveal"),
		submitModal("s8", alice, "pyq-text:#3", "use a queue"),
		interaction("s9", 4, alice, map[string]any{"id": "cmd1", "name": "pyq", "type": 1, "options": []any{
			map[string]any{"name": "practice", "type": 1, "options": []any{map[string]any{"name": "topic", "type": 3, "value": "clo", "focused": true}}}}}),
		interaction("s10", 42, alice, map[string]any{}),
		[]byte(`{"type":2,"data":{"options":[{"name":"answer","type":1,"options":[{"name":"choice","type":3,"value":7}]}]}}`),
	}
}

// FuzzVerify signs body at an offset from now (and, when tamper is set, changes one byte of the
// signature, the timestamp or the body). verify must accept exactly the untampered, fresh ones.
func FuzzVerify(f *testing.F) {
	for _, p := range seedPayloads() {
		f.Add(p, int64(0), uint8(0))
		f.Add(p, int64(-301), uint8(0))
		f.Add(p, int64(299), uint8(1))
	}
	pub := testPrivateKey.Public().(ed25519.PublicKey)
	f.Fuzz(func(t *testing.T, body []byte, offset int64, tamper uint8) {
		offset %= 1 << 40
		ts := strconv.FormatInt(testNow.Unix()+offset, 10)
		sig := ed25519.Sign(testPrivateKey, append([]byte(ts), body...))
		switch tamper % 4 {
		case 1:
			sig[int(tamper)%len(sig)] ^= 1 << (tamper % 8)
		case 2:
			ts += "0"
		case 3:
			body = append(append([]byte(nil), body...), tamper)
		}
		err := verify(pub, testNow, hex.EncodeToString(sig), ts, body)
		fresh := offset >= -300 && offset <= 300
		if want := tamper%4 == 0 && fresh; (err == nil) != want {
			t.Fatalf("verify(offset %ds, tamper %d) = %v, want accepted=%v", offset, tamper%4, err, want)
		}
	})
}

// FuzzVerifyHeaders feeds arbitrary header values: no panic, and anything accepted really is
// signed by the key and fresh.
func FuzzVerifyHeaders(f *testing.F) {
	for _, p := range seedPayloads() {
		r := signed(p, testNow)
		f.Add(r.Header.Get("X-Signature-Ed25519"), r.Header.Get("X-Signature-Timestamp"), p)
	}
	f.Add("zz", "-1", []byte{})
	f.Add("", "", []byte("{}"))
	pub := testPrivateKey.Public().(ed25519.PublicKey)
	f.Fuzz(func(t *testing.T, sig, ts string, body []byte) {
		if verify(pub, testNow, sig, ts, body) != nil {
			return
		}
		raw, err := hex.DecodeString(sig)
		sec, terr := strconv.ParseInt(ts, 10, 64)
		if err != nil || terr != nil || !ed25519.Verify(pub, append([]byte(ts), body...), raw) {
			t.Fatalf("accepted a request that is not signed: sig %q ts %q", sig, ts)
		}
		if d := testNow.Sub(time.Unix(sec, 0)); d > freshness || d < -freshness {
			t.Fatalf("accepted a stale timestamp %q", ts)
		}
	})
}

// fuzzAdapter is an adapter with no connection: interact runs on it with a recording handler.
var fuzzAdapter = sync.OnceValue(func() *Adapter {
	a, err := New(Config{Mode: ModeGateway, Token: "t", AppID: "app1"}, Options{Logger: slog.New(slog.DiscardHandler), Topics: []string{"closures", "stdlib"}})
	if err != nil {
		panic(err)
	}
	a.ackTimer = func() <-chan time.Time { return nil } // the handler answers at once
	return a
})

// FuzzInteraction parses any body as an interaction and answers it. Whatever comes in, it is
// refused with an error or answered exactly once, with a response Discord accepts; a component or
// modal reaches the engine only as an answer to a named question.
func FuzzInteraction(f *testing.F) {
	for _, p := range seedPayloads() {
		f.Add(p)
	}
	a := fuzzAdapter()
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := parseInteraction(raw)
		if err != nil {
			return
		}
		h := &recordingHandler{}
		var responses []any
		a.interact(context.Background(), h, in, func(r any) error {
			responses = append(responses, r)
			return nil
		})
		if len(responses) != 1 {
			t.Fatalf("%d responses, want exactly 1", len(responses))
		}
		body, err := json.Marshal(responses[0])
		if err != nil {
			t.Fatalf("response does not encode: %v", err)
		}
		if p := discordfake.CheckInteractionResponse(body); len(p) > 0 {
			t.Fatalf("Discord would refuse the response %s: %v", body, p)
		}
		for _, ev := range h.got() {
			if in.Type == discordgo.InteractionMessageComponent || in.Type == discordgo.InteractionModalSubmit {
				ref, _, _ := strings.Cut(strings.TrimPrefix(ev.Text, "answer "), " ")
				if !strings.HasPrefix(ev.Text, "answer ") || !refShape.MatchString(ref) {
					t.Fatalf("a component ran %q, which is not an answer to a named question", ev.Text)
				}
			}
			if ev.Conv.Platform != platform || ev.Conv.Workspace == "" {
				t.Fatalf("event without a guild: %+v", ev)
			}
		}
	})
}

var _ bot.Handler = (*recordingHandler)(nil)

// withoutFences is s without its code-fence lines and whitespace: what splitting must keep.
func withoutFences(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			continue
		}
		b.WriteString(strings.Join(strings.Fields(line), ""))
	}
	return b.String()
}

// FuzzRenderAll renders any post: every message must be one Discord accepts, and a post that is
// not a question loses nothing of its text when it is split.
func FuzzRenderAll(f *testing.F) {
	// Small seeds; repeat makes them as long as a reveal with forty long answers.
	f.Add("Lambdas in a loop", "What does this print?", "print(1)", "[2, 2, 2]", uint8(3), "#1 · closures", false, uint16(1))
	f.Add("Answer to #1: __exit__", "• Player: queue token queue token queue token\n", "", "", uint8(0), "Docs: x", false, uint16(2000))
	f.Add("", "a line of plain text\n", "", "", uint8(0), "", false, uint16(300))
	f.Add("T", "```py\nx = 1\n```\n", "y = 2\n", "`__init__` runs *first*", uint8(6), "f", true, uint16(900))
	f.Fuzz(func(t *testing.T, title, text, code, choice string, n uint8, footer string, closed bool, repeat uint16) {
		text = strings.Repeat(text, int(repeat%4096))
		p := bot.Post{Title: title, Text: text, Code: code, Footer: footer, Closed: closed}
		if n%7 > 0 {
			p.Answer = &bot.AnswerForm{Ref: "#1"}
			for i := range int(n % 7) {
				k := string(rune('A' + i))
				p.Answer.Choices = append(p.Answer.Choices, bot.Choice{Key: k, Text: truncate(choice, 300)})
			}
		}
		msgs := renderAll(p)
		var shown strings.Builder
		for _, m := range msgs {
			body, err := json.Marshal(struct {
				Content    string                       `json:"content"`
				Embeds     []*discordgo.MessageEmbed    `json:"embeds"`
				Components []discordgo.MessageComponent `json:"components"`
			}{m.Content, m.Embeds, m.Components})
			if err != nil {
				t.Fatal(err)
			}
			if p := discordfake.CheckMessage(body, !p.Empty()); len(p) > 0 {
				t.Fatalf("Discord would refuse %s: %v", body, p)
			}
			shown.WriteString(m.Content + "\n")
			for _, e := range m.Embeds {
				shown.WriteString(e.Description + "\n")
			}
		}
		if p.Answer == nil {
			want := withoutFences(text)
			if !plain(p) {
				want = withoutFences(body(p))
			}
			if got := withoutFences(shown.String()); !strings.Contains(got, want) {
				t.Fatalf("split lost text:\n got %q\nwant %q", got, want)
			}
		}
	})
}
