package slack

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
)

// render is the Block Kit Slack receives for a post. The fallback text is left out: it is the
// core's bot.PlainText, pinned by the core's own tests.
func render(t *testing.T, p bot.Post) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // readable goldens: Slack's own escaping (&lt;) is what matters
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"blocks": Blocks(p)}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestBlockKitGolden(t *testing.T) {
	t.Parallel()
	for name, p := range goldenPosts(t) {
		t.Run(name, func(t *testing.T) {
			got := render(t, p)
			path := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./adapters/slack -run Golden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Block Kit for %s differs from %s (rerun with -update if the change is intended):\n%s", name, path, got)
			}
			// Whatever the layout, what Slack receives must parse back as blocks.
			var back struct {
				Blocks slack.Blocks `json:"blocks"`
			}
			if err := json.Unmarshal(got, &back); err != nil || len(back.Blocks.BlockSet) == 0 {
				t.Errorf("rendered blocks do not parse back: %v", err)
			}
		})
	}
}

// mrkdwnTexts collects every string Slack would parse for mentions: mrkdwn text and the fallback.
func mrkdwnTexts(t *testing.T, p bot.Post) []string {
	t.Helper()
	raw, err := json.Marshal(Blocks(p))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	json.Unmarshal(raw, &v)
	out := []string{FallbackText(p)}
	slackfake.Walk(v, func(o map[string]any) {
		if o["type"] == "mrkdwn" {
			out = append(out, o["text"].(string))
		}
	})
	return out
}

func TestUserTextNeverPings(t *testing.T) {
	t.Parallel()
	for name, p := range goldenPosts(t) {
		for _, s := range mrkdwnTexts(t, p) {
			if strings.ContainsAny(s, "<>") || strings.Contains(strings.ReplaceAll(s, "&amp;", ""), "&") && !strings.Contains(s, "&lt;") && !strings.Contains(s, "&gt;") {
				t.Errorf("%s: mrkdwn text is not escaped: %q", name, s)
			}
		}
	}
	lb := goldenPosts(t)["leaderboard"]
	joined := strings.Join(mrkdwnTexts(t, lb), "\n")
	for _, want := range []string{"&lt;!here&gt; Bob", "Zoë &amp; &lt;@U1&gt;"} {
		if !strings.Contains(joined, want) {
			t.Errorf("leaderboard lacks escaped %q:\n%s", want, joined)
		}
	}
}

func TestAnswerControls(t *testing.T) {
	t.Parallel()
	ids := func(p bot.Post) (actions map[string]string) {
		actions = map[string]string{}
		for _, b := range Blocks(p) {
			ab, ok := b.(*slack.ActionBlock)
			if !ok {
				continue
			}
			for _, el := range ab.Elements.ElementSet {
				switch el := el.(type) {
				case *slack.ButtonBlockElement:
					if _, dup := actions[el.ActionID]; dup {
						t.Errorf("action id %s is not unique in the message", el.ActionID)
					}
					actions[el.ActionID] = el.Value
				case *slack.CheckboxGroupsBlockElement:
					actions[el.ActionID] = "checkboxes"
				}
			}
		}
		return actions
	}
	single := ids(question(bot.SingleChoice))
	for _, c := range choices {
		if got, want := single["pyq_answer_"+c.Key], "answer #12 "+c.Key; got != want {
			t.Errorf("button %s value = %q, want %q", c.Key, got, want)
		}
	}
	review := ids(question(bot.MultiChoice))
	if review["pyq_pick_0"] != "checkboxes" || review[actionSubmit] != "#12" {
		t.Errorf("review controls = %v, want checkboxes pyq_pick_0 and a Submit carrying #12", review)
	}
	design := ids(question(bot.FreeText))
	if len(design) != 1 || design[actionWrite] != "#12" {
		t.Errorf("design controls = %v, want one Answer button carrying #12", design)
	}
	closed := question(bot.SingleChoice)
	closed.Closed = true
	if got := ids(closed); len(got) != 0 {
		t.Errorf("a closed question still has controls: %v", got)
	}
}

func TestLongTextStaysWithinSlackLimits(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a line of a long explanation < with & marks >\n", 300)
	p := bot.Post{Title: strings.Repeat("T", 400), Text: long, Code: long}
	for _, b := range Blocks(p) {
		switch b := b.(type) {
		case *slack.HeaderBlock:
			if n := len([]rune(b.Text.Text)); n > maxHeader {
				t.Errorf("header is %d characters, limit %d", n, maxHeader)
			}
		case *slack.SectionBlock:
			if n := len([]rune(b.Text.Text)); n > maxSection {
				t.Errorf("section is %d characters, limit %d", n, maxSection)
			}
		}
	}
	if n := len([]rune(FallbackText(p))); n > maxFallback+200 {
		t.Errorf("fallback text is %d characters", n)
	}
}
