package discord

import (
	"regexp"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/bot"
)

// Component custom ids. Each maps back to the text of a /pyq command, so a press is the same event
// as typing it:
//
//	pyq:answer #12 B     a choice button: the command itself
//	pyq-multi:#12        the review menu: "answer #12 " + the picked keys joined by commas
//	pyq-modal:#12        the design button: opens a modal whose id is pyq-text:#12
//	pyq-text:#12         the modal: "answer #12 " + what was typed
const (
	idCommand = "pyq:"
	idMulti   = "pyq-multi:"
	idModal   = "pyq-modal:"
	idText    = "pyq-text:"
	idInput   = "answer" // the modal's text input
)

// maxCustomID is Discord's limit on a component's custom_id.
const maxCustomID = 100

// maxButtonsPerRow and maxRows are Discord's limits on buttons in a message.
const (
	maxButtonsPerRow = 5
	maxRows          = 5
)

// components renders an answer form: a button per choice, a multi-select menu, or a button that
// opens a text box. Disabled when the question is closed. Nil when there is nothing to press (or
// a custom_id would not fit: the embed still says how to answer with /pyq answer).
func components(f *bot.AnswerForm, closed bool) []discordgo.MessageComponent {
	if f == nil {
		return nil
	}
	switch f.Mode {
	case bot.FreeText:
		id := idModal + f.Ref
		if len(id) > maxCustomID {
			return nil
		}
		return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Write your answer", Style: discordgo.PrimaryButton, CustomID: id, Disabled: closed},
		}}}
	case bot.MultiChoice:
		id := idMulti + f.Ref
		if len(id) > maxCustomID || len(f.Choices) == 0 || len(f.Choices) > 25 {
			return nil
		}
		one := 1
		menu := discordgo.SelectMenu{CustomID: id, Placeholder: "Pick every choice that applies", MinValues: &one,
			MaxValues: len(f.Choices), Disabled: closed}
		for _, c := range f.Choices {
			menu.Options = append(menu.Options, discordgo.SelectMenuOption{Label: optionLabel(c), Value: c.Key})
		}
		return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}}}
	default:
		var rows []discordgo.MessageComponent
		var row []discordgo.MessageComponent
		for _, c := range f.Choices {
			id := idCommand + f.Command(c.Key)
			if len(id) > maxCustomID {
				return nil
			}
			row = append(row, discordgo.Button{Label: c.Key, Style: discordgo.SecondaryButton, CustomID: id, Disabled: closed})
			if len(row) == maxButtonsPerRow {
				rows = append(rows, discordgo.ActionsRow{Components: row})
				row = nil
			}
		}
		if len(row) > 0 {
			rows = append(rows, discordgo.ActionsRow{Components: row})
		}
		if len(rows) > maxRows {
			return nil
		}
		return rows
	}
}

// optionLabel is "A · first line of the choice", within Discord's 100 characters.
func optionLabel(c bot.Choice) string {
	first, _, _ := strings.Cut(strings.TrimSpace(c.Text), "\n")
	if first == "" {
		return c.Key
	}
	return truncate(c.Key+" · "+first, 100)
}

// disabled copies a message's components with every button and menu disabled: a closed question
// keeps its look but can no longer be answered.
func disabled(in []discordgo.MessageComponent) []discordgo.MessageComponent {
	out := make([]discordgo.MessageComponent, 0, len(in))
	for _, c := range in {
		switch v := c.(type) {
		case *discordgo.ActionsRow:
			out = append(out, discordgo.ActionsRow{Components: disabled(v.Components)})
		case *discordgo.Button:
			b := *v
			b.Disabled = true
			out = append(out, b)
		case *discordgo.SelectMenu:
			m := *v
			m.Disabled = true
			out = append(out, m)
		default:
			out = append(out, c)
		}
	}
	return out
}

// Shapes of what pyqbot issues: a question reference (a team question "#12" or a practice one "p7")
// and a choice key. A custom_id comes back exactly as issued, but a signed request can carry any
// string: only these shapes are accepted, so a forged id such as "pyq:reveal" runs nothing.
var (
	refShape    = regexp.MustCompile(`^(#|p)[0-9]{1,18}$`)
	keyShape    = regexp.MustCompile(`^[A-Za-z0-9]{1,4}$`)
	answerShape = regexp.MustCompile(`^answer ((?:#|p)[0-9]{1,18}) ([A-Za-z0-9]{1,4})$`)
)

// eventText maps a pressed component (or a submitted modal) to the command it stands for. modal is
// set when the press should open the text box instead. ok is false for anything pyqbot did not
// issue: an answer to a named question, the review menu, the design button and its modal.
func eventText(customID string, values []string, typed string) (text string, modal string, ok bool) {
	switch {
	case strings.HasPrefix(customID, idCommand):
		cmd := strings.TrimPrefix(customID, idCommand)
		return cmd, "", answerShape.MatchString(cmd)
	case strings.HasPrefix(customID, idMulti):
		ref := strings.TrimPrefix(customID, idMulti)
		if !refShape.MatchString(ref) || len(values) == 0 || len(values) > 25 {
			return "", "", false
		}
		for _, v := range values {
			if !keyShape.MatchString(v) {
				return "", "", false
			}
		}
		f := bot.AnswerForm{Ref: ref, Mode: bot.MultiChoice}
		return f.Command(values...), "", true
	case strings.HasPrefix(customID, idModal):
		ref := strings.TrimPrefix(customID, idModal)
		return "", ref, refShape.MatchString(ref)
	case strings.HasPrefix(customID, idText):
		ref := strings.TrimPrefix(customID, idText)
		f := bot.AnswerForm{Ref: ref, Mode: bot.FreeText}
		return f.Command(strings.TrimSpace(typed)), "", refShape.MatchString(ref)
	}
	return "", "", false
}

// answerModal is the text box a design question's button opens.
func answerModal(ref string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: idText + ref,
		Title:    truncate("Your answer to "+ref, 45),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{CustomID: idInput, Label: "Your reasoning", Style: discordgo.TextInputParagraph,
				Required: true, MinLength: 1, MaxLength: bot.MaxAnswerLen, Placeholder: "What would you do, and why?"},
		}}},
	}}
}
