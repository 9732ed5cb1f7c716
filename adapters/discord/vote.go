package discord

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/bot"
)

// Reasons and the best-explanation vote. Custom ids, each mapping back to a /pyq command:
//
//	pyq-why:#12            the question's "Answer with a reason…" menu of its choices: opens a modal
//	pyq-whytext:#12:A,C    that modal: ReasonCommand(keys, what was typed)
//	pyq-vote:#12           the vote menu (up to 25 explanations): "vote #12 " + the picked number
//	pyq:vote #12 7         a numbered vote button (more than 25): the command itself
//	pyq-vpage:#12:30:2     a page of vote buttons: shows page 2 of 30 buttons (no command runs)
//
// Discord modals hold text inputs only (discordgo v0.29.0 has no label component for a select in
// one), so the choice is picked in the menu first and the modal asks why.
const (
	idWhy      = "pyq-why:"
	idWhyText  = "pyq-whytext:"
	idVote     = "pyq-vote:"
	idVotePage = "pyq-vpage:"
	idReason   = "reason" // the reason modal's text input
)

// votePageSize is how many numbered buttons a page holds: four rows of five, the fifth row for
// paging.
const votePageSize = (maxRows - 1) * maxButtonsPerRow

var (
	voteShape     = regexp.MustCompile(`^vote #[0-9]{1,18} [0-9]{1,4}$`)
	numberShape   = regexp.MustCompile(`^[0-9]{1,4}$`)
	teamRefShape  = regexp.MustCompile(`^#[0-9]{1,18}$`)
	votePageShape = regexp.MustCompile(`^(#[0-9]{1,18}):([0-9]{1,4}):([0-9]{1,3})$`)
)

// reasonRow is the menu that starts an answer with a reason, or nil when it cannot be offered.
func reasonRow(f *bot.AnswerForm, closed bool) discordgo.MessageComponent {
	if !f.Reasons || len(f.Choices) == 0 || len(f.Choices) > 25 || len(idWhy+f.Ref) > maxCustomID {
		return nil
	}
	one, most := 1, 1
	if f.Mode == bot.MultiChoice {
		most = len(f.Choices)
	}
	menu := discordgo.SelectMenu{CustomID: idWhy + f.Ref, Placeholder: "Answer with a reason…", MinValues: &one, MaxValues: most, Disabled: closed}
	for _, c := range f.Choices {
		menu.Options = append(menu.Options, discordgo.SelectMenuOption{Label: optionLabel(c), Value: c.Key})
	}
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}}
}

// reasonModal asks why, for the keys picked in the menu.
func reasonModal(ref string, keys []string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: idWhyText + ref + ":" + strings.Join(keys, ","),
		Title:    truncate("Why "+strings.Join(keys, ",")+"? "+ref, 45),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{CustomID: idReason, Label: "Your reason (shown at the reveal)", Style: discordgo.TextInputParagraph,
				Required: true, MinLength: 1, MaxLength: bot.MaxReasonLen, Placeholder: "because …"},
		}}},
	}}
}

// voteComponents renders the vote: a menu for up to 25 explanations, else numbered buttons, page
// 0. Nil when the vote is closed.
func voteComponents(f *bot.VoteForm, closed bool) []discordgo.MessageComponent {
	if f == nil || closed || len(f.Options) == 0 || !teamRefShape.MatchString(f.Ref) {
		return nil
	}
	if len(f.Options) <= 25 {
		menu := discordgo.SelectMenu{CustomID: idVote + f.Ref, Placeholder: "Vote for the best explanation"}
		for _, o := range f.Options {
			menu.Options = append(menu.Options, discordgo.SelectMenuOption{Label: truncate(o.Label, 100), Value: strconv.Itoa(o.N)})
		}
		return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}}}
	}
	return votePage(f.Ref, len(f.Options), 0)
}

// votePage is page p of numbered vote buttons for n explanations, with Previous/Next when needed.
func votePage(ref string, n, p int) []discordgo.MessageComponent {
	pages := (n + votePageSize - 1) / votePageSize
	p = min(max(p, 0), pages-1)
	var rows []discordgo.MessageComponent
	var row []discordgo.MessageComponent
	for k := p*votePageSize + 1; k <= min(n, (p+1)*votePageSize); k++ {
		row = append(row, discordgo.Button{Label: strconv.Itoa(k), Style: discordgo.SecondaryButton,
			CustomID: idCommand + (bot.VoteForm{Ref: ref}).Command(k)})
		if len(row) == maxButtonsPerRow {
			rows = append(rows, discordgo.ActionsRow{Components: row})
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: row})
	}
	if pages > 1 {
		nav := []discordgo.MessageComponent{
			discordgo.Button{Label: "◀ Previous", Style: discordgo.PrimaryButton, Disabled: p == 0,
				CustomID: fmt.Sprintf("%s%s:%d:%d", idVotePage, ref, n, max(p-1, 0))},
			discordgo.Button{Label: fmt.Sprintf("Next ▶ (page %d of %d)", p+1, pages), Style: discordgo.PrimaryButton, Disabled: p == pages-1,
				CustomID: fmt.Sprintf("%s%s:%d:%d", idVotePage, ref, n, min(p+1, pages-1))},
		}
		rows = append(rows, discordgo.ActionsRow{Components: nav})
	}
	return rows
}

// voteEvent is what a reason or vote control stands for: a command (text), the reason modal to
// open (ref and modalKeys), or a page of the vote buttons of question ref.
type voteEvent struct {
	text      string
	ref       string
	modalKeys []string
	page      []discordgo.MessageComponent
}

// voteEventText reads the custom ids of this file; handled is false for ids it does not own, ok
// false for an id of its shape that pyqbot did not issue.
func voteEventText(customID string, values []string, typed string) (ev voteEvent, handled, ok bool) {
	switch {
	case strings.HasPrefix(customID, idWhyText):
		ref, keys, found := strings.Cut(strings.TrimPrefix(customID, idWhyText), ":")
		ks := strings.Split(keys, ",")
		if !found || !teamRefShape.MatchString(ref) || !validKeys(ks) {
			return ev, true, false
		}
		f := bot.AnswerForm{Ref: ref, Mode: bot.MultiChoice}
		if len(ks) == 1 {
			f.Mode = bot.SingleChoice
		}
		ev.text = f.ReasonCommand(ks, typed)
		return ev, true, true
	case strings.HasPrefix(customID, idWhy):
		ref := strings.TrimPrefix(customID, idWhy)
		if !teamRefShape.MatchString(ref) || !validKeys(values) {
			return ev, true, false
		}
		ev.ref, ev.modalKeys = ref, values
		return ev, true, true
	case strings.HasPrefix(customID, idVotePage):
		m := votePageShape.FindStringSubmatch(strings.TrimPrefix(customID, idVotePage))
		if m == nil {
			return ev, true, false
		}
		n, _ := strconv.Atoi(m[2])
		p, _ := strconv.Atoi(m[3])
		if n <= 25 {
			return ev, true, false
		}
		ev.ref, ev.page = m[1], votePage(m[1], n, p)
		return ev, true, true
	case strings.HasPrefix(customID, idVote):
		ref := strings.TrimPrefix(customID, idVote)
		if !teamRefShape.MatchString(ref) || len(values) != 1 || !numberShape.MatchString(values[0]) {
			return ev, true, false
		}
		ev.text = "vote " + ref + " " + values[0]
		return ev, true, true
	case strings.HasPrefix(customID, idCommand) && voteShape.MatchString(strings.TrimPrefix(customID, idCommand)):
		ev.text = strings.TrimPrefix(customID, idCommand)
		return ev, true, true
	}
	return ev, false, false
}

// votePageResponse shows a page of vote buttons to the one who turned it. Turning the page of the
// vote everyone sees would turn it for everyone (an update edits the message itself), so a press on
// the shared vote answers with the page as a message only the presser sees, and presses on that
// message turn its page in place.
func votePageResponse(in incoming, ev voteEvent) *discordgo.InteractionResponse {
	if in.Message != nil && in.Message.Flags&discordgo.MessageFlagsEphemeral != 0 {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Components: ev.page}}
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "More explanations to vote for on " + ev.ref + ":", Components: ev.page,
			Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()}}
}

func validKeys(keys []string) bool {
	if len(keys) == 0 || len(keys) > 25 {
		return false
	}
	for _, k := range keys {
		if !keyShape.MatchString(k) {
			return false
		}
	}
	return true
}

// voteInteraction answers a reason or vote control: opens the reason modal, turns a page of vote
// buttons, or runs the command it stands for.
func (a *Adapter) voteInteraction(ctx context.Context, h bot.Handler, in incoming, ev voteEvent, ok bool, respond responder) {
	switch {
	case !ok:
		a.log.Warn("discord refused a control pyqbot did not issue", "workspace", in.GuildID, "channel", in.ChannelID)
		a.respond(in, respond, ephemeral(refusedControl))
	case ev.modalKeys != nil:
		a.respond(in, respond, reasonModal(ev.ref, ev.modalKeys))
	case ev.page != nil:
		a.respond(in, respond, votePageResponse(in, ev))
	default:
		a.command(ctx, h, in, ev.text, false, respond)
	}
}
