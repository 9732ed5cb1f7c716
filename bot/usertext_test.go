package bot

import (
	"strings"
	"testing"
)

func TestRenderUserText(t *testing.T) {
	upper := strings.ToUpper
	for _, tc := range []struct{ in, want string }{
		{"no marks", "no marks"},
		{"a " + UserText("b") + " c " + UserText("d"), "a B c D"},
		{"open " + string(userOpen) + "to the end", "open TO THE END"}, // a split cut the span
		{"stray" + string(userClose) + " close", "stray close"},
		{UserText("x" + string(userOpen) + "y"), "XY"},
	} {
		if got := RenderUserText(tc.in, upper); got != tc.want {
			t.Errorf("RenderUserText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Nobody can type the marks: the engine drops them from incoming text and names, so a user cannot
// close the span around their own answer and have the rest rendered as the bot's Markdown.
func TestIncomingTextCannotCarryTheMarks(t *testing.T) {
	ev, problem := cleanEvent(Event{Conv: Conversation{Platform: "p", Workspace: "w", Channel: "c"},
		User: User{ID: "u", Name: "Eve" + string(userClose) + "**"}, Text: "answer " + string(userClose) + "[x](https://evil.example)"})
	if problem != "" {
		t.Fatal(problem)
	}
	if strings.ContainsRune(ev.Text, userClose) || strings.ContainsRune(ev.User.Name, userClose) {
		t.Errorf("marks kept: %q, %q", ev.Text, ev.User.Name)
	}
}
