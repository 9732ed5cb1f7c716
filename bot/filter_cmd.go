package bot

import (
	"context"
	"fmt"
	"strings"
)

// filterAll is the word that lifts one of the filter's restrictions (`/pyq filter topics all`).
const filterAll = "all"

// cmdFilter shows or changes which topics, kinds and difficulties the channel's questions come from.
func (e *Engine) cmdFilter(ctx context.Context, r request) Reply {
	if len(r.args) == 0 {
		return privateText(filterText(e.bank, r.ch.Filter))
	}
	if !r.Admin {
		return privateText("Only workspace admins can change `/pyq filter`. `/pyq filter` shows it.")
	}
	f := r.ch.Filter
	dimension := strings.ToLower(r.args[0])
	words := splitWords(r.args[1:])
	clearing := len(words) == 1 && words[0] == filterAll
	setting, ok := filterDimension(dimension)
	if !ok {
		return privateText(fmt.Sprintf("`/pyq filter %s` is not a setting. %s Usage: `/pyq filter topics closures security`, "+
			"`/pyq filter kinds output debug`, `/pyq filter difficulty senior`, `… all` to lift one, `/pyq filter clear` to lift all.",
			dimension, suggestion(dimension, argValues("filter", "what"))))
	}
	switch setting {
	case "clear":
		f = Filter{}
	case "topics":
		f.Topics = nil
		if !clearing {
			for _, w := range words {
				topic, ok := e.bank.Topic(w)
				if !ok {
					return privateText(fmt.Sprintf("There is no topic %q. %s", w, suggestion(w, topicNames(e.bank))))
				}
				f.Topics = append(f.Topics, topic)
			}
		}
	case "kinds":
		f.Kinds = nil
		if !clearing {
			for _, w := range words {
				if !isKind(w) {
					return privateText(fmt.Sprintf("There is no kind %q. %s", w, suggestion(w, kindNames())))
				}
				f.Kinds = append(f.Kinds, Kind(w))
			}
		}
	case "difficulty":
		f.Difficulties = nil
		if !clearing {
			for _, w := range words {
				if !isDifficulty(w) {
					return privateText(fmt.Sprintf("There is no difficulty %q: use warmup, intermediate or senior.", w))
				}
				f.Difficulties = append(f.Difficulties, Difficulty(w))
			}
		}
	}
	if setting != "clear" && len(words) == 0 {
		return privateText(fmt.Sprintf("Say which %s, e.g. `/pyq filter %s …`, or `all`.", dimension, dimension))
	}
	n := 0
	for _, q := range e.bank.All() {
		if f.Allows(q) {
			n++
		}
	}
	if n == 0 {
		return privateText("No question in the bank matches that combination, so nothing was changed.")
	}
	if err := e.store.SetChannelFilter(ctx, r.ch.ID, f); err != nil {
		return e.internalError(r.Event, "set channel filter", err)
	}
	e.forgetAnswerReads()
	return privateText(filterText(e.bank, f))
}
