package discordfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Discord's documented limits (discord-api-docs: resources/message "Embed Limits", interactions/
// application-commands, components/reference, interactions/receiving-and-responding).
const (
	MaxContent          = 2000
	MaxEmbeds           = 10
	MaxEmbedTitle       = 256
	MaxEmbedDescription = 4096
	MaxEmbedFields      = 25
	MaxFieldName        = 256
	MaxFieldValue       = 1024
	MaxFooter           = 2048
	MaxAuthorName       = 256
	MaxEmbedTotal       = 6000 // all embeds of one message together
	MaxActionRows       = 5
	MaxButtonsPerRow    = 5
	MaxButtonLabel      = 80
	MaxCustomID         = 100
	MaxSelectOptions    = 25
	MaxSelectText       = 100 // option label, value, description
	MaxPlaceholder      = 150
	MaxThreadName       = 100
	MaxModalTitle       = 45
	MaxTextInputLabel   = 45
	MaxTextInput        = 4000
	MaxChoices          = 25 // command option choices and autocomplete results
	MaxOptions          = 25
)

// refuse answers 400 Invalid Form Body, as Discord does.
func refuse(w http.ResponseWriter, problems []string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"code": 50035, "message": "Invalid Form Body",
		"errors": map[string]any{"_errors": problemList(problems)}})
}

func problemList(problems []string) []map[string]string {
	out := make([]map[string]string, len(problems))
	for i, p := range problems {
		code, msg, _ := strings.Cut(p, ": ")
		out[i] = map[string]string{"code": code, "message": msg}
	}
	return out
}

var (
	routeCommands = regexp.MustCompile(`^/api/v9/applications/[^/]+(/guilds/[^/]+)?/commands$`)
	routeMessage  = regexp.MustCompile(`^/api/v9/(channels/[^/]+/messages(/[^/]+)?|webhooks/[^/]+/[^/]+(/messages/[^/]+)?)$`)
	routeThread   = regexp.MustCompile(`^/api/v9/channels/[^/]+/messages/[^/]+/threads$`)
	routeCallback = regexp.MustCompile(`^/api/v9/interactions/[^/]+/[^/]+/callback$`)
)

// check applies the rules of the route to a request body; nil when Discord would accept it.
func check(method, path string, body []byte) []string {
	switch {
	case method == "PUT" && routeCommands.MatchString(path):
		return CheckCommands(body)
	case (method == "POST" || method == "PATCH") && routeThread.MatchString(path):
		return CheckThreadStart(body)
	case (method == "POST" || method == "PATCH") && routeMessage.MatchString(path):
		return CheckMessage(body, method == "POST")
	case method == "POST" && routeCallback.MatchString(path):
		return CheckInteractionResponse(body)
	}
	return nil
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// problems collects rule breaks as "CODE: where: what".
type problems []string

func (p *problems) add(code, where, format string, args ...any) {
	*p = append(*p, fmt.Sprintf("%s: %s: %s", code, where, fmt.Sprintf(format, args...)))
}

func (p *problems) max(where, s string, n int) {
	if l := runes(s); l > n {
		p.add("BASE_TYPE_MAX_LENGTH", where, "must be %d or fewer in length (is %d)", n, l)
	}
}

func (p *problems) between(where, s string, lo, hi int) {
	if l := runes(s); l < lo || l > hi {
		p.add("BASE_TYPE_BAD_LENGTH", where, "must be between %d and %d in length (is %d)", lo, hi, l)
	}
}

type option struct {
	Type         int      `json:"type"`
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	Required     bool     `json:"required"`
	Autocomplete bool     `json:"autocomplete"`
	Choices      []choice `json:"choices"`
	Options      []option `json:"options"`
}

type choice struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)

// CheckCommands applies the application-command rules to a bulk-overwrite body.
func CheckCommands(body []byte) []string {
	var cmds []option
	if err := json.Unmarshal(body, &cmds); err != nil {
		return []string{"INVALID_JSON: body: " + err.Error()}
	}
	var p problems
	for i, c := range cmds {
		c.Type = 1
		checkOption(&p, fmt.Sprint(i), c)
	}
	return p
}

func checkOption(p *problems, where string, o option) {
	if !commandName.MatchString(o.Name) || o.Name != strings.ToLower(o.Name) {
		p.add("APPLICATION_COMMAND_INVALID_NAME", where+".name", "%q is not a valid name (1-32 lower-case letters, digits, - or _)", o.Name)
	}
	p.between(where+".description", o.Description, 1, 100)
	if len(o.Options) > MaxOptions {
		p.add("BASE_TYPE_MAX_LENGTH", where+".options", "must be %d or fewer in length", MaxOptions)
	}
	if len(o.Choices) > MaxChoices {
		p.add("BASE_TYPE_MAX_LENGTH", where+".choices", "must be %d or fewer in length", MaxChoices)
	}
	if len(o.Choices) > 0 && o.Autocomplete {
		p.add("APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE", where, "an option cannot have both choices and autocomplete")
	}
	for j, ch := range o.Choices {
		p.between(fmt.Sprintf("%s.choices.%d.name", where, j), ch.Name, 1, 100)
		if s, ok := ch.Value.(string); ok {
			p.max(fmt.Sprintf("%s.choices.%d.value", where, j), s, 100)
		}
	}
	optional := false
	for j, sub := range o.Options {
		at := fmt.Sprintf("%s.options.%d", where, j)
		if sub.Type != 1 && sub.Type != 2 { // subcommands and groups are never required
			if sub.Required && optional {
				p.add("APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", where+".options", "required options must be placed before non-required options (%q follows an optional one)", sub.Name)
			}
			optional = optional || !sub.Required
		}
		checkOption(p, at, sub)
	}
}

// CheckThreadStart applies the thread rules to a start-thread body.
func CheckThreadStart(body []byte) []string {
	var t struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(body, &t); err != nil {
		return []string{"INVALID_JSON: body: " + err.Error()}
	}
	var p problems
	p.between("name", t.Name, 1, MaxThreadName)
	return p
}

// message is what a message create/edit, webhook or interaction message response carries.
type message struct {
	Content    *string          `json:"content"`
	Embeds     []embed          `json:"embeds"`
	Components []map[string]any `json:"components"`
}

type embed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Fields      []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Author *struct {
		Name string `json:"name"`
	} `json:"author"`
}

// CheckMessage applies the message rules; create says the body must not be empty.
func CheckMessage(body []byte, create bool) []string {
	var m message
	if err := json.Unmarshal(body, &m); err != nil {
		return []string{"INVALID_JSON: body: " + err.Error()}
	}
	var p problems
	checkMessage(&p, "", m, create)
	return p
}

func checkMessage(p *problems, where string, m message, create bool) {
	content := ""
	if m.Content != nil {
		content = *m.Content
	}
	if create && content == "" && len(m.Embeds) == 0 && len(m.Components) == 0 {
		p.add("50006", where+"content", "Cannot send an empty message")
	}
	p.max(where+"content", content, MaxContent)
	if len(m.Embeds) > MaxEmbeds {
		p.add("BASE_TYPE_MAX_LENGTH", where+"embeds", "must be %d or fewer in length", MaxEmbeds)
	}
	total := 0
	for i, e := range m.Embeds {
		at := fmt.Sprintf("%sembeds.%d.", where, i)
		p.max(at+"title", e.Title, MaxEmbedTitle)
		p.max(at+"description", e.Description, MaxEmbedDescription)
		total += runes(e.Title) + runes(e.Description)
		if len(e.Fields) > MaxEmbedFields {
			p.add("BASE_TYPE_MAX_LENGTH", at+"fields", "must be %d or fewer in length", MaxEmbedFields)
		}
		for j, f := range e.Fields {
			p.between(fmt.Sprintf("%sfields.%d.name", at, j), f.Name, 1, MaxFieldName)
			p.between(fmt.Sprintf("%sfields.%d.value", at, j), f.Value, 1, MaxFieldValue)
			total += runes(f.Name) + runes(f.Value)
		}
		if e.Footer != nil {
			p.max(at+"footer.text", e.Footer.Text, MaxFooter)
			total += runes(e.Footer.Text)
		}
		if e.Author != nil {
			p.max(at+"author.name", e.Author.Name, MaxAuthorName)
			total += runes(e.Author.Name)
		}
	}
	if total > MaxEmbedTotal {
		p.add("MAX_EMBED_SIZE_EXCEEDED", where+"embeds", "Embed size exceeds maximum size of %d (is %d)", MaxEmbedTotal, total)
	}
	checkComponents(p, where, m.Components)
}

// CheckInteractionResponse applies the rules of an interaction callback body (the REST callback in
// gateway mode, the HTTP response body in http mode).
func CheckInteractionResponse(body []byte) []string {
	var r struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return []string{"INVALID_JSON: body: " + err.Error()}
	}
	var p problems
	switch r.Type {
	case 1, 5, 6:
	case 4, 7:
		var m message
		if err := json.Unmarshal(r.Data, &m); err != nil {
			return []string{"INVALID_JSON: data: " + err.Error()}
		}
		checkMessage(&p, "data.", m, r.Type == 4)
	case 8:
		var d struct {
			Choices *[]choice `json:"choices"`
		}
		json.Unmarshal(r.Data, &d)
		switch {
		case d.Choices == nil:
			p.add("BASE_TYPE_REQUIRED", "data.choices", "This field is required (an autocomplete result lists its choices, [] for none)")
		case len(*d.Choices) > MaxChoices:
			p.add("BASE_TYPE_MAX_LENGTH", "data.choices", "must be %d or fewer in length", MaxChoices)
		default:
			for i, c := range *d.Choices {
				p.between(fmt.Sprintf("data.choices.%d.name", i), c.Name, 1, 100)
			}
		}
	case 9:
		checkModal(&p, r.Data)
	default:
		p.add("UNION_TYPE_CHOICES", "type", "%d is not an interaction callback type", r.Type)
	}
	return p
}

func checkModal(p *problems, raw json.RawMessage) {
	var m struct {
		Title      string           `json:"title"`
		CustomID   *string          `json:"custom_id"`
		Components []map[string]any `json:"components"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		p.add("INVALID_JSON", "data", "%v", err)
		return
	}
	p.between("data.title", m.Title, 1, MaxModalTitle)
	if m.CustomID == nil {
		p.add("BASE_TYPE_REQUIRED", "data.custom_id", "This field is required")
	} else {
		p.between("data.custom_id", *m.CustomID, 1, MaxCustomID)
	}
	rows, err := decodeComponents(m.Components)
	if err != nil {
		p.add("INVALID_JSON", "data.components", "%v", err)
		return
	}
	if len(rows) == 0 || len(rows) > MaxActionRows {
		p.add("BASE_TYPE_BAD_LENGTH", "data.components", "must be between 1 and %d in length", MaxActionRows)
	}
	for i, row := range rows {
		at := fmt.Sprintf("data.components.%d", i)
		if row.Type != 1 || len(row.Components) != 1 || row.Components[0].Type != 4 {
			p.add("UNION_TYPE_CHOICES", at, "a modal row is an action row holding one text input")
			continue
		}
		t := row.Components[0]
		at += ".components.0"
		if t.CustomID == nil {
			p.add("BASE_TYPE_REQUIRED", at+".custom_id", "This field is required")
		} else {
			p.between(at+".custom_id", *t.CustomID, 1, MaxCustomID)
		}
		p.between(at+".label", t.Label, 1, MaxTextInputLabel)
		p.max(at+".placeholder", t.Placeholder, 100)
		p.max(at+".value", t.Value, MaxTextInput)
		if t.MaxLength != nil && (*t.MaxLength < 1 || *t.MaxLength > MaxTextInput) {
			p.add("BASE_TYPE_BAD_INT", at+".max_length", "must be between 1 and %d (is %d)", MaxTextInput, *t.MaxLength)
		}
		if t.MinLength != nil && (*t.MinLength < 0 || *t.MinLength > MaxTextInput) {
			p.add("BASE_TYPE_BAD_INT", at+".min_length", "must be between 0 and %d", MaxTextInput)
		}
	}
}
