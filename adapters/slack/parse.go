package slack

import (
	"encoding/json"
	"errors"
	"net/url"

	"github.com/slack-go/slack"
)

// The request bodies Slack sends over HTTP, parsed in one place so the handlers and the fuzz
// targets run the same code. Each parse either returns what pyqbot reads or an error; a caller
// answers an error with 400.

// parseSlashCommand reads a slash command's form. sslCheck is Slack checking the certificate.
func parseSlashCommand(body []byte) (cmd slack.SlashCommand, sslCheck bool, err error) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return cmd, false, errors.New("body is not a form")
	}
	if v.Get("ssl_check") == "1" {
		return cmd, true, nil
	}
	return slack.SlashCommand{
		TeamID: v.Get("team_id"), ChannelID: v.Get("channel_id"), UserID: v.Get("user_id"), UserName: v.Get("user_name"),
		Command: v.Get("command"), Text: v.Get("text"), ResponseURL: v.Get("response_url"), TriggerID: v.Get("trigger_id"),
	}, false, nil
}

// slashForm is the form parseSlashCommand reads cmd from: the fuzz round trip and tests use it.
func slashForm(cmd slack.SlashCommand) url.Values {
	return url.Values{"team_id": {cmd.TeamID}, "channel_id": {cmd.ChannelID}, "user_id": {cmd.UserID}, "user_name": {cmd.UserName},
		"command": {cmd.Command}, "text": {cmd.Text}, "response_url": {cmd.ResponseURL}, "trigger_id": {cmd.TriggerID}}
}

// parseInteraction reads an interaction: a form whose `payload` field is the JSON callback (only
// the body: slack-go v0.35.0 stopped reading it from the URL, a replay hole).
func parseInteraction(body []byte) (slack.InteractionCallback, error) {
	var cb slack.InteractionCallback
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return cb, errors.New("body is not a form")
	}
	if err := json.Unmarshal([]byte(v.Get("payload")), &cb); err != nil {
		return cb, errors.New("payload is not an interaction")
	}
	return cb, nil
}

// parseEnvelope reads an Events API delivery.
func parseEnvelope(raw []byte) (eventEnvelope, error) {
	var env eventEnvelope
	err := json.Unmarshal(raw, &env)
	return env, err
}
