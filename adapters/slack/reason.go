package slack

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/bot"
)

// Reasons and the best-explanation vote on Slack:
//   - a question with choices has an "Answer with a reason" button; its value carries the choices,
//     and it opens a modal with them (a select, or checkboxes for a review) and a text box capped at
//     bot.MaxReasonLen; the submission is AnswerForm.ReasonCommand, the same as typing it;
//   - the vote message in a reveal's thread has a select of the numbered explanations (up to 100 a
//     select, the limit Slack sets), each option's value the `vote #N K` command it stands for.
const (
	actionReason   = "pyq_reason"       // the question's button: opens the reason modal
	callbackReason = "pyq_reason_modal" // the modal
	blockChoice    = "pyq_reason_choice"
	actionChoice   = "pyq_choice"
	blockReason    = "pyq_reason_text"
	actionWhy      = "pyq_why"
	actionVote     = "pyq_vote" // + block index: the vote select
	maxSelectOpts  = 100        // options in a static_select
	maxReasonValue = 2000       // a button's value: the choices travel in it
)

// voteCommand is the only shape a vote option's value may have: a signed payload can carry any
// string, and an option must never run another command.
var voteCommand = regexp.MustCompile(`^vote #[0-9]{1,18} [0-9]{1,4}$`)

// reasonMeta travels in the button's value and then the modal's private_metadata.
type reasonMeta struct {
	Ref     string      `json:"r"`
	Multi   bool        `json:"m,omitempty"`
	Channel string      `json:"ch,omitempty"`
	Choices [][2]string `json:"c"` // key, label
}

// reasonButton is the "Answer with a reason" block, or nil when the form does not offer it.
func reasonButton(f bot.AnswerForm) slack.Block {
	if !f.Reasons || len(f.Choices) == 0 || f.Mode == bot.FreeText || f.Mode == bot.MultiChoice && len(f.Choices) > maxCheckboxes {
		return nil
	}
	meta := reasonMeta{Ref: f.Ref, Multi: f.Mode == bot.MultiChoice}
	for _, c := range f.Choices {
		meta.Choices = append(meta.Choices, [2]string{c.Key, truncate(c.Key+". "+firstLine(c.Text), maxButtonText)})
	}
	value, _ := json.Marshal(meta) // strings only: cannot fail
	if len([]rune(string(value))) > maxReasonValue {
		for i := range meta.Choices {
			meta.Choices[i][1] = meta.Choices[i][0] // the labels do not fit: the keys do
		}
		value, _ = json.Marshal(meta)
	}
	b := slack.NewButtonBlockElement(actionReason, string(value), plain("Answer with a reason"))
	return slack.NewActionBlock(actionReason, b)
}

// reasonModal is the form: the choices and a text box for why.
func reasonModal(meta reasonMeta) slack.ModalViewRequest {
	private, _ := json.Marshal(reasonMeta{Ref: meta.Ref, Multi: meta.Multi, Channel: meta.Channel})
	var opts []*slack.OptionBlockObject
	for _, c := range meta.Choices {
		opts = append(opts, slack.NewOptionBlockObject(c[0], plain(truncate(c[1], maxButtonText)), nil))
	}
	var choice slack.BlockElement = slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Pick one"), actionChoice, opts...)
	label := "Your answer"
	if meta.Multi {
		choice = slack.NewCheckboxGroupsBlockElement(actionChoice, opts...)
		label = "Every choice that applies"
	}
	why := slack.NewPlainTextInputBlockElement(plain("because …"), actionWhy)
	why.Multiline = true
	why.MaxLength = bot.MaxReasonLen
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackReason,
		Title:           plain(truncate("Answer "+meta.Ref, 24)),
		Submit:          plain("Submit"),
		Close:           plain("Cancel"),
		PrivateMetadata: string(private),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(escape("Your answer to " + meta.Ref + " and why. Your first answer counts; your reason is shown with your name in the thread at the reveal, where the team votes for the best explanation.")),
			slack.NewInputBlock(blockChoice, plain(label), nil, choice),
			slack.NewInputBlock(blockReason, plain("Why?"), nil, why),
		}},
	}
}

// openReasonModal opens the form; the trigger id lives 3 seconds. A failure tells the user how to
// type it instead.
func (a *Adapter) openReasonModal(ctx context.Context, trigger string, meta reasonMeta, to replyTo) {
	api, err := a.apiFor(ctx, to.team)
	if err == nil {
		err = a.withRetry(ctx, "views.open", func() error {
			_, err := api.OpenViewContext(ctx, trigger, reasonModal(meta))
			return err
		})
	}
	if err != nil {
		a.log.Error("slack views.open failed", "workspace", to.team, "channel", meta.Channel, "user", to.user, "err", err)
		form := bot.AnswerForm{Ref: meta.Ref}
		a.deliver(ctx, to, bot.Reply{Private: true, Post: bot.Post{Text: "The form did not open. Type your answer instead: `/pyq " + form.ReasonCommand([]string{"B"}, "…") + "`"}})
	}
}

// parseReasonMeta reads a reason button's value or the modal's private_metadata; ref must be a
// team question's.
func parseReasonMeta(s string) (reasonMeta, error) {
	var meta reasonMeta
	if err := json.Unmarshal([]byte(s), &meta); err != nil {
		return meta, err
	}
	if !teamRef.MatchString(meta.Ref) {
		return reasonMeta{}, errors.New("not a question reference")
	}
	return meta, nil
}

var teamRef = regexp.MustCompile(`^#[0-9]{1,18}$`)

// submitReason answers the form: a missing choice or reason keeps the modal open with the error;
// otherwise it is the answer command, committed before the modal closes.
func (a *Adapter) submitReason(cb slack.InteractionCallback, team string, received time.Time) (ack any, followUp func()) {
	meta, err := parseReasonMeta(cb.View.PrivateMetadata)
	if err != nil || meta.Channel == "" {
		a.log.Warn("slack reason modal without a question reference ignored")
		return nil, nil
	}
	var keys []string
	why := ""
	if st := cb.View.State; st != nil {
		c := st.Values[blockChoice][actionChoice]
		if c.SelectedOption.Value != "" {
			keys = append(keys, c.SelectedOption.Value)
		}
		for _, o := range c.SelectedOptions {
			keys = append(keys, o.Value)
		}
		why = strings.TrimSpace(st.Values[blockReason][actionWhy].Value)
	}
	problems := map[string]string{}
	if len(keys) == 0 {
		problems[blockChoice] = "Pick your answer."
	}
	if why == "" {
		problems[blockReason] = "Say why, or use the answer buttons instead."
	}
	if len(problems) > 0 {
		return slack.NewErrorsViewSubmissionResponse(problems), nil
	}
	if team == "" {
		team = cb.View.TeamID
	}
	form := bot.AnswerForm{Ref: meta.Ref, Mode: bot.SingleChoice}
	if meta.Multi {
		form.Mode = bot.MultiChoice
	}
	user := cb.User.ID
	return a.answer(inbound{
		what: "reason modal answer", team: team, channel: meta.Channel, userID: user, userName: cb.User.Name,
		text: form.ReasonCommand(keys, why), received: received,
		to: replyTo{team: team, channel: meta.Channel, user: user},
	})
}

// voteBlocks renders a vote: selects of up to 100 explanations each.
func voteBlocks(f bot.VoteForm) []slack.Block {
	var out []slack.Block
	for i := 0; i < len(f.Options); i += maxSelectOpts {
		var opts []*slack.OptionBlockObject
		for _, o := range f.Options[i:min(i+maxSelectOpts, len(f.Options))] {
			opts = append(opts, slack.NewOptionBlockObject(f.Command(o.N), plain(truncate(o.Label, maxButtonText)), nil))
		}
		placeholder := "Vote for the best explanation"
		if len(f.Options) > maxSelectOpts {
			placeholder += " (" + strconv.Itoa(i+1) + "–" + strconv.Itoa(min(i+maxSelectOpts, len(f.Options))) + ")"
		}
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(placeholder), actionVote+strconv.Itoa(i/maxSelectOpts), opts...)
		out = append(out, slack.NewActionBlock(actionVote+strconv.Itoa(i/maxSelectOpts), sel))
	}
	return out
}
