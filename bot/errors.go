package bot

import "errors"

// UserError is an error whose message is safe and useful to show the person who caused it.
type UserError struct{ Message string }

func (e *UserError) Error() string { return e.Message }

// userMessage returns the message to show for err, or "" when err is internal.
func userMessage(err error) string {
	var ue *UserError
	if errors.As(err, &ue) {
		return ue.Message
	}
	return ""
}
