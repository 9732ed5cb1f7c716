package bot

import "errors"

// UserError is an error whose message is safe and useful to show the person who caused it.
type UserError struct{ Message string }

func (e *UserError) Error() string { return e.Message }

// ErrStoreUnavailable is matched (errors.Is) by a store error that means the store cannot take
// writes right now — a full disk, a read-only or vanished file, a lock held elsewhere — so nothing
// of the request was kept. The store's error says what to fix, for the log; the user is told only
// that their action was not recorded and to try again later.
var ErrStoreUnavailable = errors.New("the store cannot take writes")

// userMessage returns the message to show for err, or "" when err is internal.
func userMessage(err error) string {
	var ue *UserError
	if errors.As(err, &ue) {
		return ue.Message
	}
	return ""
}

// notRecordedText is the reply when the store refused a write: honest (nothing was kept, and it
// is not the user's fault) without detail the user cannot act on. what is internalError's label.
func notRecordedText(what string) string {
	if what == "record answer" {
		return "Your answer was not recorded: the bot cannot save anything right now (a storage problem, reported to the bot's admin). Please try again later."
	}
	return "The bot cannot save anything right now (a storage problem, reported to the bot's admin), so that did not happen. Please try again later."
}
