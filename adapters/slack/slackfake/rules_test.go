package slackfake_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
)

func client(t *testing.T) *slack.Client {
	t.Helper()
	f := slackfake.New()
	t.Cleanup(f.Close)
	return slack.New(slackfake.BotToken, slack.OptionAPIURL(f.APIURL()))
}

func sections(n, size int) []slack.Block {
	var out []slack.Block
	for range n {
		out = append(out, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("x", size), false, false), nil, nil))
	}
	return out
}

func button(text, actionID, value string) slack.Block {
	return slack.NewActionBlock("b1", slack.NewButtonBlockElement(actionID, value, slack.NewTextBlockObject(slack.PlainTextType, text, false, false)))
}

func slackErr(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// Each documented rule, broken by one character, is refused the way Slack refuses it; at the limit
// it is accepted.
func TestMessagesAreCheckedAgainstSlacksLimits(t *testing.T) {
	header := func(n int) []slack.Block {
		return []slack.Block{slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("h", n), false, false))}
	}
	cases := []struct {
		name   string
		blocks []slack.Block
		want   string
	}{
		{"50 blocks", sections(50, 10), ""},
		{"51 blocks", sections(51, 10), "invalid_blocks"},
		{"11,000 characters of text", sections(4, 2750), ""},
		{"11,001 characters of text", append(sections(4, 2750), sections(1, 1)...), "msg_blocks_too_long"},
		{"section of 3,000", sections(1, 3000), ""},
		{"section of 3,001", sections(1, 3001), "invalid_blocks"},
		{"header of 150", header(150), ""},
		{"header of 151", header(151), "invalid_blocks"},
		{"button text of 75", []slack.Block{button(strings.Repeat("b", 75), "a", "v")}, ""},
		{"button text of 76", []slack.Block{button(strings.Repeat("b", 76), "a", "v")}, "invalid_blocks"},
		{"action_id of 255", []slack.Block{button("B", strings.Repeat("a", 255), "v")}, ""},
		{"action_id of 256", []slack.Block{button("B", strings.Repeat("a", 256), "v")}, "invalid_blocks"},
		{"value of 2,000", []slack.Block{button("B", "a", strings.Repeat("v", 2000))}, ""},
		{"value of 2,001", []slack.Block{button("B", "a", strings.Repeat("v", 2001))}, "invalid_blocks"},
		{"duplicate block_id", []slack.Block{button("B", "a", "v"), button("C", "c", "v")}, "invalid_blocks"},
		{"select of 100 options", []slack.Block{selectOf(100, "o", "v")}, ""},
		{"select of 101 options", []slack.Block{selectOf(101, "o", "v")}, "invalid_blocks"},
		{"select option text of 76", []slack.Block{selectOf(1, strings.Repeat("o", 76), "v")}, "invalid_blocks"},
		{"select option value of 151", []slack.Block{selectOf(1, "o", strings.Repeat("v", 151))}, "invalid_blocks"},
	}
	api := client(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := api.PostMessageContext(context.Background(), "C1", slack.MsgOptionText("fallback", false), slack.MsgOptionBlocks(c.blocks...))
			if got := slackErr(err); got != c.want {
				t.Errorf("chat.postMessage: error %q, want %q", got, c.want)
			}
		})
	}
}

func TestUnfurlFlagsAreRefusedOutsidePostMessage(t *testing.T) {
	api := client(t)
	ctx := context.Background()
	unfurl := []slack.MsgOption{slack.MsgOptionText("hi", false), slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl()}
	_, ts, err := api.PostMessageContext(ctx, "C1", unfurl...)
	if err != nil {
		t.Fatalf("chat.postMessage takes unfurl flags: %v", err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, unfurl...); slackErr(err) != "invalid_arguments" {
		t.Errorf("chat.update with unfurl flags: %v, want invalid_arguments", err)
	}
	if _, err := api.PostEphemeralContext(ctx, "C1", "U1", unfurl...); slackErr(err) != "invalid_arguments" {
		t.Errorf("chat.postEphemeral with unfurl flags: %v, want invalid_arguments", err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("edited", false)); err != nil {
		t.Errorf("chat.update without them: %v", err)
	}
}

func TestModalsAreCheckedAgainstSlacksLimits(t *testing.T) {
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	modal := func(title string, blocks int) slack.ModalViewRequest {
		return slack.ModalViewRequest{Type: slack.VTModal, Title: plain(title), Blocks: slack.Blocks{BlockSet: sections(blocks, 10)}}
	}
	cases := []struct {
		name string
		view slack.ModalViewRequest
		want string
	}{
		{"title of 24, 100 blocks", modal(strings.Repeat("t", 24), 100), ""},
		{"title of 25", modal(strings.Repeat("t", 25), 1), "invalid_arguments"},
		{"101 blocks", modal("Answer", 101), "invalid_arguments"},
	}
	api := client(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := api.OpenViewContext(context.Background(), "trigger", c.view)
			if got := slackErr(err); got != c.want {
				t.Errorf("views.open: error %q, want %q", got, c.want)
			}
		})
	}
}

func TestBlockTextMeasureSumsEveryTextField(t *testing.T) {
	blocks := []any{
		map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": "héllo"}},
		map[string]any{"type": "context", "elements": []any{map[string]any{"type": "mrkdwn", "text": "abc"}}},
	}
	if got := slackfake.BlockTextMeasure(blocks); got != 8 {
		t.Errorf("measure = %d, want 8 (5 runes + 3)", got)
	}
}

// selectOf is a static_select with n options of the given text and value (numbered after the first).
func selectOf(n int, text, value string) slack.Block {
	var opts []*slack.OptionBlockObject
	for i := range n {
		v := value
		if i > 0 {
			v = fmt.Sprint(value[:min(len(value), 140)], i)
		}
		opts = append(opts, slack.NewOptionBlockObject(v, slack.NewTextBlockObject(slack.PlainTextType, text, false, false), nil))
	}
	return slack.NewActionBlock("s1", slack.NewOptionsSelectBlockElement(slack.OptTypeStatic,
		slack.NewTextBlockObject(slack.PlainTextType, "Pick", false, false), "sel", opts...))
}
