package discordfake

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func js(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func buttons(n int, label string) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"type": 2, "style": 2, "label": label, "custom_id": fmt.Sprintf("b%d", i)}
	}
	return out
}

func rows(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"type": 1, "components": []any{map[string]any{"type": 2, "style": 2, "label": "x", "custom_id": fmt.Sprintf("r%d", i)}}}
	}
	return out
}

func selectWith(n int) map[string]any {
	opts := make([]any, n)
	for i := range opts {
		opts[i] = map[string]any{"label": fmt.Sprint(i), "value": fmt.Sprint(i)}
	}
	return map[string]any{"type": 1, "components": []any{map[string]any{"type": 3, "custom_id": "m", "options": opts, "max_values": 1}}}
}

func modal(title string, maxLength int) []byte {
	return js(map[string]any{"type": 9, "data": map[string]any{"title": title, "custom_id": "m", "components": []any{
		map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": "t", "label": "L", "style": 2, "max_length": maxLength}}}}}})
}

func command(opts ...any) []byte {
	return js([]any{map[string]any{"name": "pyq", "description": "d", "options": []any{
		map[string]any{"type": 1, "name": "answer", "description": "d", "options": opts}}}})
}

func TestRulesRefuseWhatDiscordRefuses(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	optional := map[string]any{"type": 3, "name": "question", "description": "d"}
	required := map[string]any{"type": 3, "name": "choice", "description": "d", "required": true}
	tests := []struct {
		name         string
		method, path string
		body         []byte
		want         string // a problem containing this; "" means accepted
	}{
		{"required before optional", "PUT", "/api/v9/applications/a/guilds/g/commands", command(required, optional), ""},
		{"required after optional", "PUT", "/api/v9/applications/a/commands", command(optional, required), "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"},
		{"upper-case option name", "PUT", "/api/v9/applications/a/commands", command(map[string]any{"type": 3, "name": "Choice", "description": "d"}), "APPLICATION_COMMAND_INVALID_NAME"},
		{"content at 2000", "POST", "/api/v9/channels/c/messages", js(map[string]any{"content": long(2000)}), ""},
		{"content over 2000", "POST", "/api/v9/channels/c/messages", js(map[string]any{"content": long(2001)}), "content: must be 2000 or fewer"},
		{"empty message", "POST", "/api/v9/channels/c/messages", js(map[string]any{"content": ""}), "50006"},
		{"description over 4096", "POST", "/api/v9/channels/c/messages", js(map[string]any{"embeds": []any{map[string]any{"description": long(4097)}}}), "description: must be 4096"},
		{"embeds over 6000 together", "PATCH", "/api/v9/channels/c/messages/1", js(map[string]any{"embeds": []any{
			map[string]any{"description": long(4000)}, map[string]any{"description": long(2000), "footer": map[string]any{"text": "x"}}}}), "MAX_EMBED_SIZE_EXCEEDED"},
		{"field value over 1024", "POST", "/api/v9/webhooks/a/tok", js(map[string]any{"embeds": []any{map[string]any{"fields": []any{map[string]any{"name": "n", "value": long(1025)}}}}}), "value: must be between 1 and 1024"},
		{"six action rows", "POST", "/api/v9/channels/c/messages", js(map[string]any{"components": rows(6)}), "components: must be 5 or fewer"},
		{"five action rows", "POST", "/api/v9/channels/c/messages", js(map[string]any{"components": rows(5)}), ""},
		{"six buttons in a row", "POST", "/api/v9/channels/c/messages", js(map[string]any{"components": []any{map[string]any{"type": 1, "components": buttons(6, "x")}}}), "must be 5 or fewer"},
		{"button label over 80", "POST", "/api/v9/channels/c/messages", js(map[string]any{"components": []any{map[string]any{"type": 1, "components": buttons(1, long(81))}}}), "label: must be 80"},
		{"custom_id over 100", "POST", "/api/v9/channels/c/messages", js(map[string]any{"components": []any{map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 2, "style": 2, "label": "x", "custom_id": long(101)}}}}}), "custom_id: must be between 1 and 100"},
		{"empty custom_id", "POST", "/api/v9/channels/c/messages", js(map[string]any{"components": []any{map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 2, "style": 2, "label": "x", "custom_id": ""}}}}}), "custom_id: must be between 1 and 100"},
		{"duplicate custom_id", "POST", "/api/v9/channels/c/messages", js(map[string]any{"components": []any{
			map[string]any{"type": 1, "components": []any{map[string]any{"type": 2, "style": 2, "label": "x", "custom_id": "same"}}},
			map[string]any{"type": 1, "components": []any{map[string]any{"type": 2, "style": 2, "label": "y", "custom_id": "same"}}}}}), "COMPONENT_CUSTOM_ID_DUPLICATED"},
		{"select of 25", "POST", "/api/v9/channels/c/messages", js(map[string]any{"components": []any{selectWith(25)}}), ""},
		{"select of 26", "POST", "/api/v9/channels/c/messages", js(map[string]any{"components": []any{selectWith(26)}}), "options: must be between 1 and 25"},
		{"thread name over 100", "POST", "/api/v9/channels/c/messages/1/threads", js(map[string]any{"name": long(101)}), "name: must be between 1 and 100"},
		{"modal title over 45", "POST", "/api/v9/interactions/1/tok/callback", modal(long(46), 3000), "title: must be between 1 and 45"},
		{"text input max over 4000", "POST", "/api/v9/interactions/1/tok/callback", modal("t", 4001), "max_length: must be between 1 and 4000"},
		{"modal within limits", "POST", "/api/v9/interactions/1/tok/callback", modal("t", 4000), ""},
		{"autocomplete without choices", "POST", "/api/v9/interactions/1/tok/callback", []byte(`{"type":8,"data":{}}`), "data.choices: This field is required"},
		{"autocomplete with no choices", "POST", "/api/v9/interactions/1/tok/callback", []byte(`{"type":8,"data":{"choices":[]}}`), ""},
		{"autocomplete over 25", "POST", "/api/v9/interactions/1/tok/callback", js(map[string]any{"type": 8, "data": map[string]any{"choices": func() []any {
			out := make([]any, 26)
			for i := range out {
				out[i] = map[string]any{"name": fmt.Sprint(i), "value": fmt.Sprint(i)}
			}
			return out
		}()}}), "data.choices: must be 25"},
		{"message response over 2000", "POST", "/api/v9/interactions/1/tok/callback", js(map[string]any{"type": 4, "data": map[string]any{"content": long(2001)}}), "data.content: must be 2000"},
		{"unknown callback type", "POST", "/api/v9/interactions/1/tok/callback", []byte(`{"type":42}`), "not an interaction callback type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(check(tt.method, tt.path, tt.body), "\n")
			switch {
			case tt.want == "" && got != "":
				t.Errorf("refused: %s", got)
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Errorf("problems %q, want one containing %q", got, tt.want)
			}
		})
	}
}

func TestRefusalIsA400AndNotStored(t *testing.T) {
	f := New()
	defer f.Close()
	resp, err := f.srv.Client().Post(f.URL()+"/api/v9/channels/c/messages", "application/json", strings.NewReader(`{"content":"`+strings.Repeat("x", 2001)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Code int `json:"code"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 400 || body.Code != 50035 {
		t.Errorf("answered %d code %d, want 400 Invalid Form Body (50035)", resp.StatusCode, body.Code)
	}
	if r := f.Refusals(); len(r) != 1 || r[0].Status != 400 {
		t.Errorf("refusals = %+v", r)
	}
	if _, ok := f.Message("1001"); ok {
		t.Error("a refused message was stored")
	}
}
