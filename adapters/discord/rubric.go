package discord

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/bot"
)

// The rubric checklist on Discord. Custom ids, each mapping back to a /pyq command:
//
//	pyq-rubric:#12      the design reveal's "Check my answer against the rubric" button: "rubric #12"
//	pyq-rubricset:#12   the checklist's multi-select (its reply is ephemeral, so only the presser
//	                    has it): "rubric #12 " + the picked item numbers, or "none" when none
const (
	idRubric    = "pyq-rubric:"
	idRubricSet = "pyq-rubricset:"
)

// maxSelectOptions is Discord's limit on a select menu's options.
const maxSelectOptions = 25

var itemShape = regexp.MustCompile(`^[0-9]{1,2}$`)

// rubricComponents renders the reveal's button, or the checklist's menu with the last saved ticks
// as defaults. Nil when there is nothing pyqbot can offer (the typed command still works).
func rubricComponents(f *bot.RubricForm) []discordgo.MessageComponent {
	if f == nil || !teamRefShape.MatchString(f.Ref) {
		return nil
	}
	if len(f.Items) == 0 {
		return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: bot.RubricButtonLabel, Style: discordgo.SecondaryButton, CustomID: idRubric + f.Ref},
		}}}
	}
	if len(f.Items) > maxSelectOptions {
		return nil
	}
	zero := 0
	menu := discordgo.SelectMenu{CustomID: idRubricSet + f.Ref, Placeholder: "Tick what your answer covered", MinValues: &zero, MaxValues: len(f.Items)}
	for _, it := range f.Items {
		menu.Options = append(menu.Options, discordgo.SelectMenuOption{
			Label: truncate(strconv.Itoa(it.N)+". "+it.Label, 100), Value: strconv.Itoa(it.N), Default: it.Checked})
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}}}
}

// savesRubric says whether customID is the checklist's menu, whose reply (the saved result) takes
// the checklist's place.
func savesRubric(customID string) bool { return strings.HasPrefix(customID, idRubricSet) }

// rubricEventText reads the custom ids of this file: handled is false for ids it does not own, ok
// false for an id of its shape that pyqbot did not issue.
func rubricEventText(customID string, values []string) (text string, handled, ok bool) {
	switch {
	case strings.HasPrefix(customID, idRubricSet):
		ref := strings.TrimPrefix(customID, idRubricSet)
		if !teamRefShape.MatchString(ref) || len(values) > maxSelectOptions {
			return "", true, false
		}
		ns := make([]int, 0, len(values))
		for _, v := range values {
			if !itemShape.MatchString(v) {
				return "", true, false
			}
			n, _ := strconv.Atoi(v)
			ns = append(ns, n)
		}
		return bot.RubricForm{Ref: ref}.Command(ns...), true, true
	case strings.HasPrefix(customID, idRubric):
		ref := strings.TrimPrefix(customID, idRubric)
		return bot.RubricForm{Ref: ref}.OpenCommand(), true, teamRefShape.MatchString(ref)
	}
	return "", false, false
}
