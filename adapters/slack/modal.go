package slack

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/bot"
)

// The design-question modal: the Answer button opens it, its submission becomes
// `answer REF TEXT`.
const (
	callbackAnswer = "pyq_answer_modal"
	blockText      = "pyq_answer_text"
	actionText     = "pyq_text"
	maxAnswerText  = bot.MaxAnswerLen // the core refuses longer answers; the text box stops there too
)

// modalMeta travels in the modal's private_metadata: the submission has no channel of its own.
type modalMeta struct {
	Ref     string `json:"ref"`
	Channel string `json:"channel"`
}

func answerModal(ref, channel string) slack.ModalViewRequest {
	meta, _ := json.Marshal(modalMeta{Ref: ref, Channel: channel}) // two strings: cannot fail
	input := slack.NewPlainTextInputBlockElement(plain("What would you do, and why?"), actionText)
	input.Multiline = true
	input.MaxLength = maxAnswerText
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackAnswer,
		Title:           plain(truncate("Answer "+ref, 24)),
		Submit:          plain("Submit"),
		Close:           plain("Cancel"),
		PrivateMetadata: string(meta),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(escape("Your answer to " + ref + ". Your first answer is the one that counts; the answers are shown in the thread when the question is revealed.")),
			slack.NewInputBlock(blockText, plain("Your answer"), nil, input),
		}},
	}
}

// openModal opens the answer modal. The trigger id lives 3 seconds, which is why this runs right
// after the acknowledgement. A failure is told to the user with the typed alternative.
func (a *Adapter) openModal(ctx context.Context, trigger, ref, channel string, to replyTo) {
	api, err := a.apiFor(ctx, to.team)
	if err == nil {
		err = a.withRetry(ctx, "views.open", func() error {
			_, err := api.OpenViewContext(ctx, trigger, answerModal(ref, channel))
			return err
		})
	}
	if err != nil {
		a.log.Error("slack views.open failed", "workspace", to.team, "channel", channel, "user", to.user, "err", err)
		form := bot.AnswerForm{Ref: ref, Mode: bot.FreeText}
		a.deliver(ctx, to, bot.Reply{Private: true, Post: bot.Post{Text: "The answer box did not open. Type your answer instead: `/pyq " + form.Command("your answer") + "`"}})
	}
}

// submitModal answers the modal's submission. A blank answer keeps the modal open with an error
// (the acknowledgement's payload); otherwise the answer is committed, the modal closes, and the
// confirmation follows as an ephemeral message (a modal has no response_url).
func (a *Adapter) submitModal(cb slack.InteractionCallback, team string, received time.Time) (ack any, followUp func()) {
	meta, err := parseModalMeta(cb.View.PrivateMetadata)
	if err != nil {
		a.log.Warn("slack answer modal without a question reference ignored")
		return nil, nil
	}
	text := ""
	if cb.View.State != nil {
		text = strings.TrimSpace(cb.View.State.Values[blockText][actionText].Value)
	}
	if text == "" {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{blockText: "Write your answer first."}), nil
	}
	if team == "" {
		team = cb.View.TeamID
	}
	user := cb.User.ID
	return a.answer(inbound{
		what: "modal answer", team: team, channel: meta.Channel, userID: user, userName: cb.User.Name,
		text: bot.AnswerForm{Ref: meta.Ref, Mode: bot.FreeText}.Command(text), received: received,
		to: replyTo{team: team, channel: meta.Channel, user: user},
	})
}

// parseModalMeta reads the answer modal's private_metadata back; both fields must be there.
func parseModalMeta(s string) (modalMeta, error) {
	var meta modalMeta
	if err := json.Unmarshal([]byte(s), &meta); err != nil {
		return modalMeta{}, err
	}
	if meta.Ref == "" || meta.Channel == "" {
		return modalMeta{}, errors.New("private_metadata lacks the question or the channel")
	}
	return meta, nil
}
