package bot

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"
)

// How practice adapts
//
// `/pyq practice` (when no review is served) picks for the person, among the questions its words
// allow, what those words leave open:
//   - the topic, unless one is named: the weakest one, the lowest accuracy over at least
//     MinTopicAnswers judged answers; when no topic has that many, the least practised one (fewest
//     attempts);
//   - the difficulty, unless one is named: each topic has a level per person that keeps them near
//     70% right. It starts at warmup, steps up after LevelUpRun right answers in a row at that
//     level and down after LevelDownRun wrong ones in a row (answers at other levels do not move it);
//   - the question: one of that topic and level the person has not seen in FreshDays (answered, or
//     asked in practice); when none is left, the neighbouring levels (unless a difficulty was
//     named); then the next topics in that order (there are none when one topic was named); then
//     the levels further away, topic by topic; only when nothing is fresh, the one seen longest
//     ago of all the words allow. Words narrow the pick, never the rule against repeats:
//     `/pyq practice databases` asked again and again serves a new question each time while the
//     topic has a fresh one.
//
// The post says which choice was made, so the person knows why they got it.
const (
	MinTopicAnswers = 3
	LevelUpRun      = 3
	LevelDownRun    = 2
	FreshDays       = 30
)

// Attempt is one question a user met: a graded team answer or a practice question.
type Attempt struct {
	QuestionID string
	Topic      string
	Judged     bool // it had a right answer and was answered (not design)
	Correct    bool
	Answered   bool
	At         time.Time
}

// AttemptStore reads a user's history for adaptive practice.
type AttemptStore interface {
	// Attempts lists the user's graded team answers and practice questions, oldest first.
	// A practice answer to an unjudged kind is answered but not judged.
	Attempts(ctx context.Context, workspaceID int64, userID string, unjudged []Kind) ([]Attempt, error)
}

// adaptivePick is what practice chose for a person and why.
type adaptivePick struct {
	q      *Question
	topic  string
	level  Difficulty
	reason string // "weakest topic: concurrency, intermediate"
}

// levelIn walks a topic's attempts and returns the level they leave the person at.
func levelIn(bank *Bank, attempts []Attempt, topic string) Difficulty {
	level, right, wrong := 0, 0, 0
	for _, a := range attempts {
		q := bank.Get(a.QuestionID)
		if a.Topic != topic || !a.Judged || q == nil || q.Difficulty != Difficulties[level] {
			continue
		}
		if a.Correct {
			right, wrong = right+1, 0
		} else {
			right, wrong = 0, wrong+1
		}
		switch {
		case right >= LevelUpRun && level < len(Difficulties)-1:
			level, right = level+1, 0
		case wrong >= LevelDownRun && level > 0:
			level, wrong = level-1, 0
		}
	}
	return Difficulties[level]
}

// rankedTopic is a topic practice could drill, and why it comes where it does.
type rankedTopic struct {
	topic string
	why   string // "weakest topic" or "least practised topic"
}

// rankTopics orders topics (each once) for practice: first those with at least MinTopicAnswers
// judged answers, lowest accuracy first; then the rest, fewest attempts first; ties by name. The
// first is the topic practice drills; the others are where it goes when that one has nothing new.
func rankTopics(attempts []Attempt, topics []string) []rankedTopic {
	type tally struct{ judged, correct, all int }
	per := map[string]*tally{}
	for _, t := range topics {
		per[t] = &tally{}
	}
	for _, a := range attempts {
		t, ok := per[a.Topic]
		if !ok {
			continue
		}
		t.all++
		if a.Judged {
			t.judged++
			if a.Correct {
				t.correct++
			}
		}
	}
	names := slices.Sorted(maps.Keys(per))
	sort.SliceStable(names, func(i, j int) bool {
		a, b := per[names[i]], per[names[j]]
		aw, bw := a.judged >= MinTopicAnswers, b.judged >= MinTopicAnswers
		switch {
		case aw != bw:
			return aw
		case aw:
			// a.correct/a.judged < b.correct/b.judged, without floats
			return a.correct*b.judged < b.correct*a.judged
		default:
			return a.all < b.all
		}
	})
	out := make([]rankedTopic, len(names))
	for i, n := range names {
		out[i] = rankedTopic{topic: n, why: "least practised topic"}
		if per[n].judged >= MinTopicAnswers {
			out[i].why = "weakest topic"
		}
	}
	return out
}

// adaptivePractice picks the person's next practice question among the questions f allows (the
// words of `/pyq practice`), never one of hidden (reported). What f names is the person's choice
// and the rest adapts as "How practice adapts" says: a topic named is drilled at their level in it,
// a difficulty named replaces the level, and freshness holds either way: nothing seen in FreshDays
// while a fresh question is left among those f allows. q is nil only when f allows none.
func (e *Engine) adaptivePractice(ctx context.Context, ws int64, userID string, f Filter, hidden map[string]bool) (adaptivePick, error) {
	attempts, err := e.store.Attempts(ctx, ws, userID, UnjudgedKinds())
	if err != nil {
		return adaptivePick{}, err
	}
	var pool []*Question
	topics := map[string]bool{}
	for _, q := range e.bank.All() {
		if f.Allows(q) && !hidden[q.ID] {
			pool = append(pool, q)
			topics[q.Topic] = true
		}
	}
	if len(pool) == 0 {
		return adaptivePick{}, nil
	}
	lastSeen := map[string]time.Time{}
	for _, a := range attempts {
		lastSeen[a.QuestionID] = a.At
	}
	fresh := e.now().Add(-FreshDays * 24 * time.Hour)
	ranked := rankTopics(attempts, slices.Collect(maps.Keys(topics)))
	named := len(f.Topics) == 1 // the topic is the person's, not the weakest of several
	// Two passes: every topic at and next to its level first, then the levels further away; a
	// question that far from the person's level is still better than a repeat.
	for _, far := range []bool{false, true} {
		for i, t := range ranked {
			level := levelIn(e.bank, attempts, t.topic)
			for _, levels := range practiceLevels(f, level, far) {
				var candidates []*Question
				for _, q := range pool {
					if q.Topic == t.topic && slices.Contains(levels, q.Difficulty) && !lastSeen[q.ID].After(fresh) {
						candidates = append(candidates, q)
					}
				}
				if len(candidates) == 0 {
					continue
				}
				pick := adaptivePick{q: candidates[e.intn(len(candidates))], topic: t.topic, level: level}
				pick.reason = pickReason(t, ranked[0], i > 0, named, f, pick.q, level)
				switch {
				case far:
					pick.reason += fmt.Sprintf(" (nothing new at or next to that level, so %s)", levels[0])
				case len(f.Difficulties) == 0 && levels[0] != level:
					pick.reason += fmt.Sprintf(" (nothing new at that level, so %s)", levels[0])
				}
				return pick, nil
			}
		}
	}
	// Everything f allows was seen lately: the one seen longest ago of all of them, whatever its
	// topic, so that asking again serves each in turn rather than the first topic's latest again.
	// On a tie the better-ranked topic's, as a fresh pick would be.
	rank := map[string]int{}
	for i, t := range ranked {
		rank[t.topic] = i
	}
	var q *Question
	for _, c := range pool {
		switch {
		case q == nil, lastSeen[c.ID].Before(lastSeen[q.ID]):
			q = c
		case lastSeen[c.ID].Equal(lastSeen[q.ID]) && rank[c.Topic] < rank[q.Topic]:
			q = c
		}
	}
	// The reason names the served question's difficulty: the level was not what chose it.
	reason := fmt.Sprintf("%s, %s", q.Topic, q.Difficulty)
	if !named && q.Topic == ranked[0].topic {
		reason = fmt.Sprintf("%s: %s", ranked[0].why, reason)
	}
	return adaptivePick{q: q, topic: q.Topic, level: levelIn(e.bank, attempts, q.Topic),
		reason: reason + " (you have seen them all lately: this is the one seen longest ago)"}, nil
}

// practiceLevels are the difficulties to look in, in turn: the ones the person named, all at
// once; else their level in the topic, then its neighbours, or (far) the levels beyond those,
// nearest first.
func practiceLevels(f Filter, level Difficulty, far bool) [][]Difficulty {
	if len(f.Difficulties) > 0 {
		if far {
			return nil
		}
		return [][]Difficulty{f.Difficulties}
	}
	var out [][]Difficulty
	if !far {
		for _, d := range levelsNear(level) {
			out = append(out, []Difficulty{d})
		}
		return out
	}
	at := slices.Index(Difficulties, level)
	for dist := 2; dist < len(Difficulties); dist++ {
		for _, i := range []int{at - dist, at + dist} {
			if i >= 0 && i < len(Difficulties) {
				out = append(out, []Difficulty{Difficulties[i]})
			}
		}
	}
	return out
}

// pickReason says what practice chose for the person, leaving out what they chose themselves:
// "weakest topic: concurrency, intermediate", "your level in closures: warmup", or, when the first
// topic had nothing new, "security, warmup (nothing new lately in closures, your weakest topic)".
func pickReason(t, first rankedTopic, moved, named bool, f Filter, q *Question, level Difficulty) string {
	shown := level
	if len(f.Difficulties) > 0 {
		shown = q.Difficulty // the person's choice, of those they named
	}
	switch {
	case moved:
		return fmt.Sprintf("%s, %s (nothing new lately in %s, your %s)", t.topic, shown, first.topic, first.why)
	case named && len(f.Difficulties) > 0:
		return fmt.Sprintf("%s, %s", t.topic, shown)
	case named:
		return fmt.Sprintf("your level in %s: %s", t.topic, shown)
	}
	return fmt.Sprintf("%s: %s, %s", t.why, t.topic, shown)
}

// levelsNear is the level first, then its neighbours.
func levelsNear(level Difficulty) []Difficulty {
	for i, d := range Difficulties {
		if d == level {
			out := []Difficulty{d}
			if i > 0 {
				out = append(out, Difficulties[i-1])
			}
			if i < len(Difficulties)-1 {
				out = append(out, Difficulties[i+1])
			}
			return out
		}
	}
	return Difficulties
}
