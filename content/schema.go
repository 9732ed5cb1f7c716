package content

// One struct is the question's schema both ways: Parse decodes a question file into it and
// `pyqbot content export` writes it as JSON, so a key the format gains is read and exported under
// the same name. The JSON follows the field order; README.md documents the export, FORMAT.md the file.

// ExportedChoice is a [[choices]] table of a file, and a choice in the export.
type ExportedChoice struct {
	Key  string `toml:"key" json:"key"`
	Text string `toml:"text" json:"text"`
	Why  string `toml:"why" json:"why"` // empty on a keyed choice
}

// Exported is one question: its file's keys, and in the export the file it came from (Source,
// which a file cannot set).
type Exported struct {
	ID          string              `toml:"id" json:"id"`
	Kind        string              `toml:"kind" json:"kind"`
	Topic       string              `toml:"topic" json:"topic"`
	Difficulty  string              `toml:"difficulty" json:"difficulty"`
	Title       string              `toml:"title" json:"title"`
	Prompt      string              `toml:"prompt" json:"prompt"`
	Code        string              `toml:"code" json:"code"`
	Choices     []ExportedChoice    `toml:"choices" json:"choices"`
	Answer      []string            `toml:"answer" json:"answer"`
	Explanation string              `toml:"explanation" json:"explanation"`
	Docs        string              `toml:"docs" json:"docs"`
	MinPython   string              `toml:"min_python" json:"min_python,omitempty"`
	ByVersion   map[string][]string `toml:"answer_by_version" json:"answer_by_version,omitempty"`
	Symptom     string              `toml:"symptom" json:"symptom,omitempty"`
	FixedCode   string              `toml:"fixed_code" json:"fixed_code,omitempty"`
	Check       string              `toml:"check" json:"check,omitempty"`
	Hints       []string            `toml:"hints" json:"hints,omitempty"`
	Proof       string              `toml:"proof" json:"proof,omitempty"`
	ProofOutput string              `toml:"proof_output" json:"proof_output,omitempty"`
	Rubric      []string            `toml:"rubric" json:"rubric,omitempty"`
	Source      string              `toml:"-" json:"source"`
}
