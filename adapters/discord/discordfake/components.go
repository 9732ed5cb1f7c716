package discordfake

import (
	"encoding/json"
	"fmt"
)

// component is the part of a message component the rules read.
type component struct {
	Type       int         `json:"type"`
	Style      int         `json:"style"`
	Label      string      `json:"label"`
	CustomID   *string     `json:"custom_id"`
	URL        string      `json:"url"`
	Components []component `json:"components"`
	Options    []struct {
		Label       string `json:"label"`
		Value       string `json:"value"`
		Description string `json:"description"`
	} `json:"options"`
	Placeholder string `json:"placeholder"`
	MinValues   *int   `json:"min_values"`
	MaxValues   *int   `json:"max_values"`
	MinLength   *int   `json:"min_length"`
	MaxLength   *int   `json:"max_length"`
	Value       string `json:"value"`
}

func decodeComponents(raw []map[string]any) ([]component, error) {
	b, _ := json.Marshal(raw)
	var out []component
	return out, json.Unmarshal(b, &out)
}

func checkComponents(p *problems, where string, raw []map[string]any) {
	rows, err := decodeComponents(raw)
	if err != nil {
		p.add("INVALID_JSON", where+"components", "%v", err)
		return
	}
	if len(rows) > MaxActionRows {
		p.add("BASE_TYPE_MAX_LENGTH", where+"components", "must be %d or fewer in length (is %d)", MaxActionRows, len(rows))
	}
	ids := map[string]bool{}
	customID := func(at string, id *string) {
		if id == nil {
			p.add("BASE_TYPE_REQUIRED", at+".custom_id", "This field is required")
			return
		}
		p.between(at+".custom_id", *id, 1, MaxCustomID)
		if ids[*id] {
			p.add("COMPONENT_CUSTOM_ID_DUPLICATED", at+".custom_id", "Component custom id cannot be duplicated (%q)", *id)
		}
		ids[*id] = true
	}
	for i, row := range rows {
		at := fmt.Sprintf("%scomponents.%d", where, i)
		if row.Type != 1 {
			p.add("UNION_TYPE_CHOICES", at+".type", "a message's top-level components must be action rows (type 1), not %d", row.Type)
			continue
		}
		if len(row.Components) == 0 {
			p.add("BASE_TYPE_BAD_LENGTH", at+".components", "must be between 1 and 5 in length")
		}
		buttons, selects := 0, 0
		for j, c := range row.Components {
			cat := fmt.Sprintf("%s.components.%d", at, j)
			switch c.Type {
			case 2:
				buttons++
				p.max(cat+".label", c.Label, MaxButtonLabel)
				if c.Style == 5 {
					if c.URL == "" || c.CustomID != nil {
						p.add("BUTTON_COMPONENT_INVALID", cat, "a link button has a url and no custom_id")
					}
				} else {
					customID(cat, c.CustomID)
				}
			case 3, 5, 6, 7, 8:
				selects++
				customID(cat, c.CustomID)
				p.max(cat+".placeholder", c.Placeholder, MaxPlaceholder)
				if c.Type == 3 && (len(c.Options) == 0 || len(c.Options) > MaxSelectOptions) {
					p.add("BASE_TYPE_BAD_LENGTH", cat+".options", "must be between 1 and %d in length (is %d)", MaxSelectOptions, len(c.Options))
				}
				for k, o := range c.Options {
					oat := fmt.Sprintf("%s.options.%d", cat, k)
					p.between(oat+".label", o.Label, 1, MaxSelectText)
					p.between(oat+".value", o.Value, 1, MaxSelectText)
					p.max(oat+".description", o.Description, MaxSelectText)
				}
				if c.MaxValues != nil && (*c.MaxValues < 1 || *c.MaxValues > MaxSelectOptions || (c.Type == 3 && *c.MaxValues > len(c.Options))) {
					p.add("SELECT_COMPONENT_MAX_VALUES", cat+".max_values", "must be between 1 and the number of options (%d)", len(c.Options))
				}
				if c.MinValues != nil && (*c.MinValues < 0 || (c.MaxValues != nil && *c.MinValues > *c.MaxValues)) {
					p.add("SELECT_COMPONENT_MIN_VALUES", cat+".min_values", "must be between 0 and max_values")
				}
			default:
				p.add("UNION_TYPE_CHOICES", cat+".type", "component type %d cannot go in a message's action row", c.Type)
			}
		}
		if buttons > MaxButtonsPerRow {
			p.add("BASE_TYPE_MAX_LENGTH", at+".components", "must be %d or fewer in length (is %d)", MaxButtonsPerRow, buttons)
		}
		if selects > 0 && buttons+selects > 1 {
			p.add("COMPONENT_LAYOUT_WIDTH_EXCEEDED", at+".components", "a select menu fills its action row alone")
		}
	}
}
