package bot

import (
	"fmt"
	"sort"
	"strings"
)

// Kind is what a question asks of the player.
type Kind string

const (
	KindOutput  Kind = "output"  // predict what the code prints
	KindDebug   Kind = "debug"   // find the root cause or the fix
	KindReview  Kind = "review"  // pick every real problem in a pull request
	KindConcept Kind = "concept" // pick the statement the code proves
	KindDesign  Kind = "design"  // talk through a trade-off in free text
)

// Kinds lists every kind in the order help and stats show them.
var Kinds = []Kind{KindOutput, KindDebug, KindReview, KindConcept, KindDesign}

// Difficulty grades a question from warm-up to senior.
type Difficulty string

const (
	Warmup       Difficulty = "warmup"
	Intermediate Difficulty = "intermediate"
	Senior       Difficulty = "senior"
)

// Difficulties lists every difficulty from easiest to hardest.
var Difficulties = []Difficulty{Warmup, Intermediate, Senior}

// Choice is one option a player can pick, keyed A, B, C, …
type Choice struct {
	Key  string
	Text string
	Why  string // a wrong choice: the misconception behind it, shown to whoever picked it
}

// Question is one entry of the bank. Source names the file it came from, for error messages.
type Question struct {
	ID          string
	Kind        Kind
	Topic       string
	Difficulty  Difficulty
	Title       string
	Prompt      string
	Code        string
	Choices     []Choice
	Answer      []string // keys of the right choices; empty for design
	Explanation string
	Docs        string

	Symptom   string   // debug: what the user sees
	FixedCode string   // debug
	Check     string   // debug: asserts that fail on Code and pass on FixedCode
	Hints     []string // debug: posted one by one into a challenge's thread, vaguest first

	Proof       string // concept: snippet that demonstrates the keyed statement
	ProofOutput string // concept: what Proof prints

	Rubric []string // design: what a strong answer mentions

	Source string
}

// Choice returns the choice with the given key.
func (q *Question) Choice(key string) (Choice, bool) {
	for _, c := range q.Choices {
		if c.Key == key {
			return c, true
		}
	}
	return Choice{}, false
}

// FreeText reports whether answers are prose rather than choice keys.
func (q *Question) FreeText() bool { return q.Kind.FreeText() }

// FreeText reports whether answers to questions of kind k are prose: a trade-off talked through has
// no right answer, so such answers are never judged right or wrong and count in no accuracy figure.
func (k Kind) FreeText() bool { return k == KindDesign }

// UnjudgedKinds are the kinds whose answers are never judged (see Kind.FreeText): the store is given
// them, so the rule stays here while SQL does the counting.
func UnjudgedKinds() []Kind {
	var out []Kind
	for _, k := range Kinds {
		if k.FreeText() {
			out = append(out, k)
		}
	}
	return out
}

// MultiSelect reports whether a player may pick more than one choice.
func (q *Question) MultiSelect() bool { return q.Kind == KindReview }

// Bank is the set of questions the bot can ask, indexed by id.
type Bank struct {
	questions []*Question
	byID      map[string]*Question
}

// NewBank indexes questions. A repeated id is an error naming both sources, since scores refer to ids.
func NewBank(questions []Question) (*Bank, error) {
	b := &Bank{byID: make(map[string]*Question, len(questions))}
	for i := range questions {
		q := &questions[i]
		if prev, dup := b.byID[q.ID]; dup {
			return nil, fmt.Errorf("%s: question id %q is already used by %s: give one of them a new id", q.Source, q.ID, prev.Source)
		}
		b.byID[q.ID] = q
		b.questions = append(b.questions, q)
	}
	sort.Slice(b.questions, func(i, j int) bool { return b.questions[i].ID < b.questions[j].ID })
	return b, nil
}

// Get returns the question with the given id, or nil.
func (b *Bank) Get(id string) *Question { return b.byID[id] }

// All returns every question, ordered by id.
func (b *Bank) All() []*Question { return b.questions }

// Len is the number of questions.
func (b *Bank) Len() int { return len(b.questions) }

// Topics returns each topic with its question count, ordered by name.
func (b *Bank) Topics() []TopicCount {
	counts := map[string]int{}
	for _, q := range b.questions {
		counts[q.Topic]++
	}
	out := make([]TopicCount, 0, len(counts))
	for t, n := range counts {
		out = append(out, TopicCount{Topic: t, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Topic < out[j].Topic })
	return out
}

// TopicCount is a topic with how many questions it has.
type TopicCount struct {
	Topic string
	Count int
}

// Topic is the bank's spelling of the topic word names, in any case: people type `django` for a
// team's topic `Django`, and the filter and the replies then show it as the bank spells it.
func (b *Bank) Topic(word string) (string, bool) {
	for _, q := range b.questions {
		if strings.EqualFold(q.Topic, word) {
			return q.Topic, true
		}
	}
	return "", false
}

// Filter is a restriction on which questions may be picked. Empty fields allow everything.
type Filter struct {
	Topics       []string
	Kinds        []Kind
	Difficulties []Difficulty
}

// Allows reports whether q passes the filter.
func (f Filter) Allows(q *Question) bool {
	return allowed(f.Topics, q.Topic) && allowed(f.Kinds, q.Kind) && allowed(f.Difficulties, q.Difficulty)
}

func allowed[T ~string](set []T, v T) bool {
	if len(set) == 0 {
		return true
	}
	for _, s := range set {
		if strings.EqualFold(string(s), string(v)) {
			return true
		}
	}
	return false
}
