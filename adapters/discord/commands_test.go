package discord

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/adapters/discord/discordfake"
)

// decodeCommand is a /pyq invocation as Discord delivers it.
func decodeCommand(t *testing.T, payload []byte) discordgo.ApplicationCommandInteractionData {
	t.Helper()
	in, err := parseInteraction(payload)
	if err != nil {
		t.Fatal(err)
	}
	return in.ApplicationCommandData()
}

func TestRegistrationIsAcceptedByDiscordsRules(t *testing.T) {
	t.Parallel()
	body, err := json.Marshal([]*discordgo.ApplicationCommand{slashCommand()})
	if err != nil {
		t.Fatal(err)
	}
	if p := discordfake.CheckCommands(body); len(p) > 0 {
		t.Fatalf("Discord would refuse the registration: %s", strings.Join(p, "; "))
	}
	var cmds []struct {
		Contexts         []int `json:"contexts"`
		IntegrationTypes []int `json:"integration_types"`
		Options          []struct {
			Name    string `json:"name"`
			Options []struct {
				Name     string `json:"name"`
				Required bool   `json:"required"`
			} `json:"options"`
		} `json:"options"`
	}
	json.Unmarshal(body, &cmds)
	if !slices.Equal(cmds[0].Contexts, []int{0}) || !slices.Equal(cmds[0].IntegrationTypes, []int{0}) {
		t.Errorf("contexts %v, integration_types %v; want [0] and [0] (guilds that installed the bot)", cmds[0].Contexts, cmds[0].IntegrationTypes)
	}
	for _, s := range cmds[0].Options {
		if s.Name == "answer" {
			if len(s.Options) != 2 || s.Options[0].Name != "choice" || !s.Options[0].Required {
				t.Errorf("answer options = %+v, want the required choice first", s.Options)
			}
		}
	}
}

func TestRequiredFirstOrderIsEnforcedByTheFake(t *testing.T) {
	t.Parallel()
	cmd := slashCommand()
	for _, s := range cmd.Options {
		if s.Name == "answer" {
			slices.Reverse(s.Options) // the order the core reads them: question, then choice
		}
	}
	body, _ := json.Marshal([]*discordgo.ApplicationCommand{cmd})
	if p := discordfake.CheckCommands(body); len(p) != 1 || !strings.Contains(p[0], "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID") {
		t.Errorf("problems = %v, want APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", p)
	}
}

func TestCommandTextKeepsTheCoresOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload []byte
		want    string
	}{
		{"answer, Discord's order", slash("c1", alice, "answer", "choice", "B", "question", "#12"), "answer #12 B"},
		{"answer, the other order", slash("c2", alice, "answer", "question", "#12", "choice", "B"), "answer #12 B"},
		{"answer without a question", slash("c3", alice, "answer", "choice", "A,C"), "answer A,C"},
		{"practice", slash("c4", alice, "practice", "difficulty", "senior", "topic", "closures"), "practice closures senior"},
		{"filter", slash("c5", lead, "filter", "words", "concurrency security", "what", "topics"), "filter topics concurrency security"},
		{"schedule", slash("c8", lead, "schedule", "args", "question \"0 9 * * 1-5\"", "action", "set"), "schedule set question \"0 9 * * 1-5\""},
		{"filter shown", slash("c6", lead, "filter"), "filter"},
		{"blank value dropped", slash("c7", alice, "leaderboard", "period", "  "), "leaderboard"},
		// A question field holds a question: the number alone is #N, not the report's first word
		// or the answer's choice.
		{"report, a bare number", slash("c9", alice, "report", "question", "1", "text", "the key is wrong"), "report #1 the key is wrong"},
		{"answer, a bare number", slash("c10", alice, "answer", "question", " 2 ", "choice", "B"), "answer #2 B"},
		{"vote, a bare number", slash("c11", alice, "vote", "question", "1", "explanation", "1"), "vote #1 1"},
		{"report, a practice question", slash("c12", alice, "report", "question", "P7", "text", "unclear"), "report p7 unclear"},
		{"rubric, #N", slash("c13", alice, "rubric", "question", "#3", "items", "1 2"), "rubric #3 1 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := commandText(decodeCommand(t, tt.payload))
			if err != nil || got != tt.want {
				t.Errorf("commandText = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// A question field that names no question is refused, naming the field, before the core could
// take its words for something else.
func TestCommandTextRefusesAQuestionFieldThatIsNoQuestion(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"abc", "0", "-3", "#x", "p0", "12 B"} {
		_, err := commandText(decodeCommand(t, slash("q-"+v, alice, "answer", "question", v, "choice", "B")))
		if err == nil || !strings.Contains(err.Error(), "In `question`") || !strings.Contains(err.Error(), "e.g. #12") {
			t.Errorf("question %q: err = %v, want a refusal naming the field and showing #12", v, err)
		}
	}
}

func TestAutocompleteWithNoMatchListsNoChoices(t *testing.T) {
	t.Parallel()
	a := &Adapter{topics: []string{"closures", "generators"}}
	payload := interaction("a1", 4, alice, map[string]any{"id": "cmd1", "name": "pyq", "type": 1, "options": []any{
		map[string]any{"name": "practice", "type": 1, "options": []any{map[string]any{"name": "topic", "type": 3, "value": "zzz", "focused": true}}}}})
	body, err := json.Marshal(a.autocomplete(decodeCommand(t, payload)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"choices":[]`) {
		t.Errorf("autocomplete with no match = %s, want \"choices\":[]", body)
	}
	if p := discordfake.CheckInteractionResponse(body); len(p) > 0 {
		t.Errorf("Discord would refuse %s: %v", body, p)
	}
}
