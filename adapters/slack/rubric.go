package slack

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/bot"
)

// The rubric checklist on Slack: a design reveal carries a "Check my answer against the rubric"
// button whose value is `rubric #N`; the reply, through the press's response_url so only the
// presser sees it, is the checklist as an ephemeral message with checkboxes (ticked as last saved)
// and a Save button whose value is the question's ref. Save sends `rubric #N 1 3` (or `none`).
const (
	actionRubric      = "pyq_rubric"       // the reveal's button
	actionRubricItems = "pyq_rubric_item_" // + group index: the checkboxes (state only, no command)
	actionRubricSave  = "pyq_rubric_save"  // the checklist's Save button
	blockRubricItems  = "pyq_rubric_items"
)

// rubricOpen is the only value the reveal's button may carry, and rubricCommand the only command
// a rubric control may run: a signed payload can carry any string.
var (
	rubricOpen    = regexp.MustCompile(`^rubric #[0-9]{1,18}$`)
	rubricCommand = regexp.MustCompile(`^rubric #[0-9]{1,18}( none|( [0-9]{1,2})+)?$`)
	itemNumber    = regexp.MustCompile(`^[0-9]{1,2}$`)
)

// rubricBlocks renders the reveal's button, or the checklist's checkboxes and Save.
func rubricBlocks(f bot.RubricForm) []slack.Block {
	if !teamRef.MatchString(f.Ref) {
		return nil
	}
	if len(f.Items) == 0 {
		b := slack.NewButtonBlockElement(actionRubric, f.OpenCommand(), plain(bot.RubricButtonLabel))
		return []slack.Block{slack.NewActionBlock(actionRubric, b)}
	}
	var elems []slack.BlockElement
	for g := 0; g*maxCheckboxes < len(f.Items); g++ {
		group := slack.NewCheckboxGroupsBlockElement(actionRubricItems + strconv.Itoa(g))
		for _, it := range f.Items[g*maxCheckboxes : min((g+1)*maxCheckboxes, len(f.Items))] {
			o := slack.NewOptionBlockObject(strconv.Itoa(it.N), plain(truncate(strconv.Itoa(it.N)+". "+it.Label, maxButtonText)), nil)
			group.Options = append(group.Options, o)
			if it.Checked {
				group.InitialOptions = append(group.InitialOptions, o)
			}
		}
		elems = append(elems, group)
	}
	save := slack.NewButtonBlockElement(actionRubricSave, f.Ref, plain("Save what my answer covered"))
	save.Style = slack.StylePrimary
	return []slack.Block{slack.NewActionBlock(blockRubricItems, append(elems, save)...)}
}

// rubricSaveText is what Save stands for: the ticked items of the checklist's state.
func rubricSaveText(cb slack.InteractionCallback, ref string) (string, bool) {
	if !teamRef.MatchString(ref) {
		return "", false
	}
	var ns []int
	if cb.BlockActionState != nil {
		for actionID, act := range cb.BlockActionState.Values[blockRubricItems] {
			if !strings.HasPrefix(actionID, actionRubricItems) {
				continue
			}
			for _, o := range act.SelectedOptions {
				if !itemNumber.MatchString(o.Value) {
					return "", false
				}
				n, _ := strconv.Atoi(o.Value)
				ns = append(ns, n)
			}
		}
	}
	slices.Sort(ns)
	return bot.RubricForm{Ref: ref}.Command(slices.Compact(ns)...), true
}
