package slackfake

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Slack's documented limits (docs.slack.dev/reference/block-kit and reference/views), which the
// fake enforces so a payload the real Slack would refuse fails in tests too. Lengths count
// characters (runes), as the adapter does.
const (
	MaxMessageBlocks = 50    // blocks in a message (invalid_blocks)
	MaxViewBlocks    = 100   // blocks in a modal or the Home tab
	MaxBlockText     = 11000 // sum of every "text" string in a message's blocks (msg_blocks_too_long)
	MaxSectionText   = 3000
	MaxSectionFields = 10
	MaxFieldText     = 2000
	MaxHeaderText    = 150
	MaxButtonText    = 75
	MaxOptionText    = 75
	MaxOptionValue   = 150
	MaxActionID      = 255
	MaxBlockID       = 255
	MaxButtonValue   = 2000
	MaxActions       = 25 // elements in an actions block
	MaxContextElems  = 10
	MaxCheckboxOpts  = 10
	MaxSelectOpts    = 100 // options in a static_select
	MaxPlaceholder   = 150
	MaxInputLabel    = 2000
	MaxInputLength   = 3000 // plain_text_input max_length
	MaxViewTitle     = 24   // modal title, submit and close
	MaxPrivateMeta   = 3000
	MaxFallbackText  = 40000 // a message's top-level text
)

// BlockTextMeasure is what MaxBlockText limits: the sum of the lengths of every string under a
// "text" key in the blocks, the measure slackapi/bolt-js#2867 reports Slack refusing at 11,341
// (Slack does not document it; the smallest reported refusal).
func BlockTextMeasure(blocks []any) int {
	n := 0
	Walk(blocks, func(o map[string]any) {
		if s, ok := o["text"].(string); ok {
			n += utf8.RuneCountInString(s)
		}
	})
	return n
}

// Walk calls fn on every JSON object under v (decoded into maps and slices), v's own included.
func Walk(v any, fn func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		fn(v)
		for _, x := range v {
			Walk(x, fn)
		}
	case []any:
		for _, x := range v {
			Walk(x, fn)
		}
	}
}

// refusal is how Slack says no: the error code, and response_metadata.messages naming the rule.
type refusal struct {
	code string
	msgs []string
}

func (r *refusal) Error() string { return fmt.Sprintf("%s: %v", r.code, r.msgs) }

func (r *refusal) answer() map[string]any {
	return map[string]any{"ok": false, "error": r.code, "response_metadata": map[string]any{"messages": r.msgs}}
}

// checkMessage applies the message rules to a blocks JSON array (form field or JSON body value)
// and the fallback text. A nil result means Slack would take it.
func checkMessage(blocksJSON string, text string) *refusal {
	if utf8.RuneCountInString(text) > MaxFallbackText {
		return &refusal{"msg_too_long", []string{fmt.Sprintf("[ERROR] text is longer than %d characters", MaxFallbackText)}}
	}
	if blocksJSON == "" {
		return nil
	}
	var blocks []any
	if err := json.Unmarshal([]byte(blocksJSON), &blocks); err != nil {
		return &refusal{"invalid_blocks_format", []string{"[ERROR] blocks is not a JSON array"}}
	}
	if len(blocks) > MaxMessageBlocks {
		return &refusal{"invalid_blocks", []string{fmt.Sprintf("[ERROR] no more than %d items allowed [json-pointer:/blocks]", MaxMessageBlocks)}}
	}
	if msgs := checkBlocks(blocks, "/blocks"); len(msgs) > 0 {
		return &refusal{"invalid_blocks", msgs}
	}
	if n := BlockTextMeasure(blocks); n > MaxBlockText {
		return &refusal{"msg_blocks_too_long", []string{fmt.Sprintf("[ERROR] the blocks carry %d characters of text, more than %d", n, MaxBlockText)}}
	}
	return nil
}

// checkView applies the modal and Home tab rules to a view object.
func checkView(view map[string]any) *refusal {
	var msgs []string
	blocks, _ := view["blocks"].([]any)
	if len(blocks) > MaxViewBlocks {
		msgs = append(msgs, fmt.Sprintf("[ERROR] no more than %d items allowed [json-pointer:/view/blocks]", MaxViewBlocks))
	}
	if view["type"] == "modal" {
		if textOf(view["title"]) == "" {
			msgs = append(msgs, "[ERROR] missing required field: title [json-pointer:/view/title]")
		}
		for _, f := range []string{"title", "submit", "close"} {
			msgs = tooLong(msgs, textOf(view[f]), MaxViewTitle, "/view/"+f+"/text")
		}
		meta, _ := view["private_metadata"].(string)
		msgs = tooLong(msgs, meta, MaxPrivateMeta, "/view/private_metadata")
	}
	msgs = append(msgs, checkBlocks(blocks, "/view/blocks")...)
	if len(msgs) > 0 {
		return &refusal{"invalid_arguments", msgs}
	}
	return nil
}

// checkBlocks checks each block and its elements against the per-field limits.
func checkBlocks(blocks []any, at string) []string {
	return checkEach(blocks, at, "block_id", MaxBlockID, func(msgs []string, b map[string]any, p string) []string {
		switch b["type"] {
		case "header":
			msgs = tooLong(msgs, textOf(b["text"]), MaxHeaderText, p+"/text/text")
		case "section":
			msgs = tooLong(msgs, textOf(b["text"]), MaxSectionText, p+"/text/text")
			fields, _ := b["fields"].([]any)
			if len(fields) > MaxSectionFields {
				msgs = append(msgs, fmt.Sprintf("[ERROR] no more than %d items allowed [json-pointer:%s/fields]", MaxSectionFields, p))
			}
			for j, f := range fields {
				msgs = tooLong(msgs, textOf(f), MaxFieldText, fmt.Sprintf("%s/fields/%d/text", p, j))
			}
			if textOf(b["text"]) == "" && len(fields) == 0 {
				msgs = append(msgs, fmt.Sprintf("[ERROR] must provide text or fields [json-pointer:%s]", p))
			}
		case "context":
			elems, _ := b["elements"].([]any)
			msgs = between(msgs, len(elems), MaxContextElems, p+"/elements")
		case "actions":
			elems, _ := b["elements"].([]any)
			msgs = between(msgs, len(elems), MaxActions, p+"/elements")
			msgs = append(msgs, checkElements(elems, p+"/elements")...)
		case "input":
			msgs = tooLong(msgs, textOf(b["label"]), MaxInputLabel, p+"/label/text")
			if el, ok := b["element"].(map[string]any); ok {
				msgs = append(msgs, checkElements([]any{el}, p+"/element")...)
			}
		}
		return msgs
	})
}

// checkEach runs check on each object of a list of blocks or elements at pointer at, with the
// object's own pointer, after checking its id under idKey (block_id, action_id), if it has one:
// unique in the list, and at most maxID long.
func checkEach(items []any, at, idKey string, maxID int, check func(msgs []string, item map[string]any, p string) []string) []string {
	var msgs []string
	seen := map[string]bool{}
	for i, raw := range items {
		item, _ := raw.(map[string]any)
		p := fmt.Sprintf("%s/%d", at, i)
		if id, _ := item[idKey].(string); id != "" {
			if seen[id] {
				msgs = append(msgs, fmt.Sprintf("[ERROR] duplicate %s %q [json-pointer:%s/%s]", idKey, id, p, idKey))
			}
			seen[id] = true
			msgs = tooLong(msgs, id, maxID, p+"/"+idKey)
		}
		msgs = check(msgs, item, p)
	}
	return msgs
}

// between checks that a list at pointer p holds between 1 and max items.
func between(msgs []string, n, max int, p string) []string {
	if n == 0 || n > max {
		msgs = append(msgs, fmt.Sprintf("[ERROR] between 1 and %d items allowed [json-pointer:%s]", max, p))
	}
	return msgs
}

// checkOptions checks a checkbox group's or a select's options at p: between 1 and max, each
// option's text and value within their limits.
func checkOptions(msgs []string, opts []any, max int, p string) []string {
	msgs = between(msgs, len(opts), max, p+"/options")
	for j, o := range opts {
		om, _ := o.(map[string]any)
		v, _ := om["value"].(string)
		msgs = tooLong(msgs, textOf(om["text"]), MaxOptionText, fmt.Sprintf("%s/options/%d/text/text", p, j))
		msgs = tooLong(msgs, v, MaxOptionValue, fmt.Sprintf("%s/options/%d/value", p, j))
	}
	return msgs
}

// checkElements checks interactive elements: buttons, checkboxes, selects, text inputs.
func checkElements(elems []any, at string) []string {
	return checkEach(elems, at, "action_id", MaxActionID, func(msgs []string, el map[string]any, p string) []string {
		switch el["type"] {
		case "button":
			msgs = tooLong(msgs, textOf(el["text"]), MaxButtonText, p+"/text/text")
			v, _ := el["value"].(string)
			msgs = tooLong(msgs, v, MaxButtonValue, p+"/value")
		case "checkboxes":
			opts, _ := el["options"].([]any)
			msgs = checkOptions(msgs, opts, MaxCheckboxOpts, p)
			// Slack refuses an initial option that is not one of the options, text and value alike.
			initial, _ := el["initial_options"].([]any)
			for j, o := range initial {
				found := false
				for _, opt := range opts {
					if fmt.Sprint(opt) == fmt.Sprint(o) {
						found = true
					}
				}
				if !found {
					msgs = append(msgs, fmt.Sprintf("[ERROR] initial option must match one of the options [json-pointer:%s/initial_options/%d]", p, j))
				}
			}
		case "static_select":
			opts, _ := el["options"].([]any)
			msgs = checkOptions(msgs, opts, MaxSelectOpts, p)
			msgs = tooLong(msgs, textOf(el["placeholder"]), MaxPlaceholder, p+"/placeholder/text")
		case "plain_text_input":
			if n, ok := el["max_length"].(float64); ok && int(n) > MaxInputLength {
				msgs = append(msgs, fmt.Sprintf("[ERROR] max_length must be at most %d [json-pointer:%s/max_length]", MaxInputLength, p))
			}
		}
		return msgs
	})
}

func textOf(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["text"].(string)
	return s
}

func tooLong(msgs []string, s string, limit int, pointer string) []string {
	if n := utf8.RuneCountInString(s); n > limit {
		msgs = append(msgs, fmt.Sprintf("[ERROR] must be less than %d characters, is %d [json-pointer:%s]", limit+1, n, pointer))
	}
	return msgs
}
