package bot

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// How practice adapts
//
// `/pyq practice` without a topic (and with no review due) picks for the person:
//   - the topic: the weakest one, the lowest accuracy over at least MinTopicAnswers judged answers;
//     when no topic has that many, the least practised one (fewest attempts);
//   - the difficulty: each topic has a level per person that keeps them near 70% right. It starts
//     at warmup, steps up after LevelUpRun right answers in a row at that level and down after
//     LevelDownRun wrong ones in a row (answers at other levels do not move it);
//   - the question: one of that topic and level the person has not seen in FreshDays (answered, or
//     asked in practice); when none is left, the neighbouring levels; then the one seen longest ago.
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

// weakestFor is the topic adaptive practice drills, and how it was chosen.
func weakestFor(bank *Bank, attempts []Attempt) (topic, why string) {
	type tally struct{ judged, correct, all int }
	per := map[string]*tally{}
	for _, t := range bank.Topics() {
		per[t.Topic] = &tally{}
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
	names := make([]string, 0, len(per))
	for n := range per {
		names = append(names, n)
	}
	sort.Strings(names)
	best := ""
	for _, n := range names {
		t := per[n]
		if t.judged < MinTopicAnswers {
			continue
		}
		// a.correct/a.judged < b.correct/b.judged, without floats
		if b := per[best]; best == "" || t.correct*b.judged < b.correct*t.judged {
			best = n
		}
	}
	if best != "" {
		return best, "weakest topic"
	}
	for _, n := range names {
		if best == "" || per[n].all < per[best].all {
			best = n
		}
	}
	return best, "least practised topic"
}

// adaptivePractice picks the person's next practice question, never one of hidden (reported).
func (e *Engine) adaptivePractice(ctx context.Context, ws int64, userID string, hidden map[string]bool) (adaptivePick, error) {
	attempts, err := e.store.Attempts(ctx, ws, userID, UnjudgedKinds())
	if err != nil {
		return adaptivePick{}, err
	}
	topic, why := weakestFor(e.bank, attempts)
	level := levelIn(e.bank, attempts, topic)
	lastSeen := map[string]time.Time{}
	for _, a := range attempts {
		lastSeen[a.QuestionID] = a.At
	}
	fresh := e.now().Add(-FreshDays * 24 * time.Hour)
	pick := adaptivePick{topic: topic, level: level, reason: fmt.Sprintf("%s: %s, %s", why, topic, level)}
	for _, lv := range levelsNear(level) {
		var pool []*Question
		for _, q := range e.bank.All() {
			if q.Topic == topic && q.Difficulty == lv && !lastSeen[q.ID].After(fresh) && !hidden[q.ID] {
				pool = append(pool, q)
			}
		}
		if len(pool) > 0 {
			pick.q = pool[e.intn(len(pool))]
			if lv != level {
				pick.reason += fmt.Sprintf(" (nothing new at that level, so %s)", lv)
			}
			return pick, nil
		}
	}
	// Everything in the topic was seen lately: the one seen longest ago.
	for _, q := range e.bank.All() {
		if q.Topic == topic && !hidden[q.ID] && (pick.q == nil || lastSeen[q.ID].Before(lastSeen[pick.q.ID])) {
			pick.q = q
		}
	}
	if pick.q != nil {
		pick.reason += " (you have seen them all lately: this is the one seen longest ago)"
	}
	return pick, nil
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
