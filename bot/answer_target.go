package bot

import (
	"context"
	"strings"
)

// answerChannel loads the channel for cmdAnswer (Handle leaves it to the command), and, when ref
// names a question of the channel ("#12"), that question in the same read (Store.AnswerTarget):
// the common case, since every button press names its question, and one read where there were
// two. post is zero when it was not read with the channel; cmdAnswer then finds it as before, and
// an unknown channel or a question from elsewhere takes that path too, which says what is wrong.
// The read goes through the answer cache (answer_cache.go): a burst of answers reads it once.
func (e *Engine) answerChannel(ctx context.Context, r request, ref string) (Channel, PostedQuestion, error) {
	if id, ok := numberRef(ref); ok && strings.HasPrefix(ref, "#") {
		ch, post, err := e.answerTarget(ctx, r.Conv, id)
		if !isNotFound(err) {
			return ch, post, err
		}
	}
	ch, err := e.store.EnsureChannel(ctx, r.Conv, e.zone)
	return ch, PostedQuestion{}, err
}
