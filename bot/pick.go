package bot

import (
	"math"
	"sort"
	"time"
)

// recentKindWindow is how many recent posts the picker looks at to vary kinds: with five kinds, a week
// of weekday questions then shows each kind about once.
const recentKindWindow = 4

// pickQuestion chooses the next question for a channel from history (newest first). A channel sees
// every eligible question once before any repeats; then the longest-unseen come back first. Among
// those it prefers a kind not posted recently. A hidden question (reported, see report.go) is never
// picked. intn picks among equals.
func pickQuestion(bank *Bank, filter Filter, history []Seen, hidden map[string]bool, intn func(int) int) *Question {
	lastSeen := make(map[string]time.Time, len(history))
	for _, s := range history {
		if _, ok := lastSeen[s.QuestionID]; !ok {
			lastSeen[s.QuestionID] = s.PostedAt
		}
	}
	var unseen, seen []*Question
	for _, q := range bank.All() {
		if !filter.Allows(q) || hidden[q.ID] {
			continue
		}
		if _, ok := lastSeen[q.ID]; ok {
			seen = append(seen, q)
		} else {
			unseen = append(unseen, q)
		}
	}
	candidates := unseen
	if len(candidates) == 0 {
		sort.SliceStable(seen, func(i, j int) bool { return lastSeen[seen[i].ID].Before(lastSeen[seen[j].ID]) })
		candidates = seen[:min(len(seen), 2*len(Kinds))]
	}
	if len(candidates) == 0 {
		return nil
	}
	// Rank kinds by how recently they were posted: a kind not in the window beats any kind in it.
	recency := map[Kind]int{}
	for i, s := range history {
		if i >= recentKindWindow {
			break
		}
		if _, ok := recency[s.Kind]; !ok {
			recency[s.Kind] = recentKindWindow - i
		}
	}
	best := math.MinInt
	var pool []*Question
	for _, q := range candidates {
		score := -recency[q.Kind]
		switch {
		case score > best:
			best, pool = score, []*Question{q}
		case score == best:
			pool = append(pool, q)
		}
	}
	return pool[intn(len(pool))]
}
