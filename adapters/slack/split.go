package slack

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/bot"
)

// Message-wide limits. Slack refuses a message of more than 50 blocks (invalid_blocks), and one
// whose blocks carry too much text (msg_blocks_too_long). That second limit is undocumented; the
// smallest refusal reported (slackapi/bolt-js#2867) was 11,341 characters summed over every "text"
// field, so a part keeps to 10,000, with room to spare.
const (
	maxMessageBlocks = 50
	maxMessageText   = 10000
)

// splitBlocks packs blocks, in order, into as few messages as Slack's limits allow. A post that
// fits is one part; a long reveal (forty design answers) becomes several thread replies. No block
// is cut: each already fits a section's 3,000 characters.
func splitBlocks(blocks []slack.Block) [][]slack.Block {
	var parts [][]slack.Block
	var cur []slack.Block
	size := 0
	for _, b := range blocks {
		n := textOf(b)
		if len(cur) > 0 && (len(cur) == maxMessageBlocks || size+n > maxMessageText) {
			parts = append(parts, cur)
			cur, size = nil, 0
		}
		cur = append(cur, b)
		size += n
	}
	if len(cur) > 0 || len(parts) == 0 {
		parts = append(parts, cur)
	}
	return parts
}

// continuedText is the notification text of a later part of a split post.
func continuedText(p bot.Post, part, of int) string {
	title := p.Title
	if title == "" {
		title = "pyqbot"
	}
	return escapeTruncate(fmt.Sprintf("%s (continued, %d of %d)", title, part, of), maxFallback)
}

// textOf is the block's share of the message-wide text limit: the length of every string under
// a "text" key in its JSON, the measure Slack's refusals were reported against.
func textOf(b slack.Block) int {
	raw, err := json.Marshal(b)
	if err != nil {
		return maxMessageText // cannot happen for our blocks; if it did, give the block a part of its own
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return maxMessageText
	}
	return textLen(v)
}

func textLen(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "text" {
				n += utf8.RuneCountInString(s)
			} else {
				n += textLen(x)
			}
		}
	case []any:
		for _, x := range v {
			n += textLen(x)
		}
	}
	return n
}
