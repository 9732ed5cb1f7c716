package storage

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"time"
)

// QuestionStat is how one question has fared as a team question, over every workspace of the
// database: what `pyqbot content report` prints. Practice answers stay out: a practice question is
// picked for the person (their weakest topic, their level), so its answers say less about the
// question than the team's.
type QuestionStat struct {
	QuestionID  string         `json:"question"`
	Asked       int            `json:"asked"`     // times posted
	Answers     int            `json:"answers"`   // team answers
	Answerers   int            `json:"answerers"` // distinct people who answered
	Judged      int            `json:"judged"`    // graded answers to a question with a right answer
	Right       int            `json:"right"`     // of Judged, fully right
	Choices     map[string]int `json:"choices"`   // how often each key was picked (a review answer picks several)
	Reports     int            `json:"reports"`   // every report, cleared or not
	OpenReports int            `json:"open_reports"`
	// MedianAnswer is the median time from the post to an answer; zero without answers.
	MedianAnswer time.Duration `json:"-"`
}

// QuestionStats reads every question that was posted or reported, by question id. It streams the
// answers (one row each), so the memory it takes is one duration per answer.
func (d *DB) QuestionStats(ctx context.Context) ([]QuestionStat, error) {
	stats := map[string]*QuestionStat{}
	get := func(id string) *QuestionStat {
		s, ok := stats[id]
		if !ok {
			s = &QuestionStat{QuestionID: id, Choices: map[string]int{}}
			stats[id] = s
		}
		return s
	}
	err := eachRow(ctx, d.db, func(row scanner) error {
		var id string
		var n int
		if err := row.Scan(&id, &n); err != nil {
			return err
		}
		get(id).Asked = n
		return nil
	}, `SELECT p.question_id, COUNT(*) FROM posts p GROUP BY p.question_id`)
	if err != nil {
		return nil, err
	}

	waits := map[string][]time.Duration{}
	people := map[string]map[int64]bool{}
	err = eachRow(ctx, d.db, func(row scanner) error {
		var id, keys string
		var posted, answered, user int64
		var graded bool
		var correct sql.NullBool
		if err := row.Scan(&id, &posted, &user, &keys, &answered, &graded, &correct); err != nil {
			return err
		}
		s := get(id)
		s.Answers++
		if people[id] == nil {
			people[id] = map[int64]bool{}
		}
		people[id][user] = true
		for _, k := range splitList(keys) {
			s.Choices[k]++
		}
		if graded && correct.Valid {
			s.Judged++
			if correct.Bool {
				s.Right++
			}
		}
		waits[id] = append(waits[id], time.Duration(max(answered-posted, 0))*time.Millisecond)
		return nil
	}, `SELECT p.question_id, p.posted_at, a.user_id, a.keys, a.answered_at, a.graded, a.correct
		FROM answers a JOIN posts p ON p.id = a.post_id`)
	if err != nil {
		return nil, err
	}

	err = eachRow(ctx, d.db, func(row scanner) error {
		var id string
		var all, open int
		if err := row.Scan(&id, &all, &open); err != nil {
			return err
		}
		s := get(id)
		s.Reports, s.OpenReports = all, open
		return nil
	}, `SELECT question_id, COUNT(*), COUNT(*) - COUNT(cleared_at) FROM reports GROUP BY question_id`)
	if err != nil {
		return nil, err
	}

	out := make([]QuestionStat, 0, len(stats))
	for id, s := range stats {
		s.Answerers = len(people[id])
		s.MedianAnswer = median(waits[id])
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].QuestionID < out[j].QuestionID })
	return out, nil
}

// median is the middle duration (the mean of the two middle ones for an even count); zero for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}
