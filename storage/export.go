package storage

import (
	"context"
	"database/sql"
	"time"
)

// ExportedAnswer is one team answer with where it was given and what it scored.
type ExportedAnswer struct {
	Platform   string    `json:"platform"`
	Workspace  string    `json:"workspace"`
	Channel    string    `json:"channel"`
	PostID     int64     `json:"post"`
	QuestionID string    `json:"question"`
	Kind       string    `json:"kind"`
	Topic      string    `json:"topic"`
	PostedAt   time.Time `json:"posted_at"`
	UserID     string    `json:"user_id"`
	UserName   string    `json:"user_name"`
	Answer     string    `json:"answer"` // chosen keys ("A,C") or the free text
	AnsweredAt time.Time `json:"answered_at"`
	Graded     bool      `json:"graded"`
	Correct    *bool     `json:"correct"` // null until graded, and for design answers
	Points     int       `json:"points"`
	// Reason is the "because …" given with a choice ("" for none; a design answer's text is Answer).
	Reason string `json:"reason"`
	// Bonus is the best-explanation bonus this answer's explanation won at its vote's close, 0 for
	// none. The leaderboard counts points + bonus; the bonus in the week and month of BonusAt.
	Bonus   int        `json:"bonus"`
	BonusAt *time.Time `json:"bonus_at"` // when the vote closed; null without a bonus
}

// ExportAnswers calls fn for every team answer, oldest first, streaming so a large history is never
// held in memory. Each answer carries its reason and best-explanation bonus, so a user's points plus
// bonuses add up to their leaderboard points.
func (d *DB) ExportAnswers(ctx context.Context, fn func(ExportedAnswer) error) error {
	return eachRow(ctx, d.db, func(row scanner) error {
		var e ExportedAnswer
		var posted, answered int64
		var correct sql.NullBool
		var bonusAt sql.NullInt64
		if err := row.Scan(&e.Platform, &e.Workspace, &e.Channel, &e.PostID, &e.QuestionID, &e.Kind, &e.Topic,
			&posted, &e.UserID, &e.UserName, &e.Answer, &answered, &e.Graded, &correct, &e.Points,
			&e.Reason, &e.Bonus, &bonusAt); err != nil {
			return err
		}
		e.PostedAt, e.AnsweredAt = fromMillis(posted), fromMillis(answered)
		if correct.Valid {
			e.Correct = &correct.Bool
		}
		if bonusAt.Valid {
			at := fromMillis(bonusAt.Int64)
			e.BonusAt = &at
		}
		return fn(e)
	}, `SELECT w.platform, w.external_id, c.external_id, p.id, p.question_id,
		p.kind, p.topic, p.posted_at, u.external_id, u.name,
		CASE WHEN a.keys != '' THEN a.keys ELSE a.text END, a.answered_at, a.graded, a.correct, a.points,
		a.reason, COALESCE(b.points, 0), b.awarded_at
		FROM answers a
		LEFT JOIN bonuses b ON b.answer_id = a.id
		JOIN posts p ON p.id = a.post_id
		JOIN channels c ON c.id = p.channel_id
		JOIN workspaces w ON w.id = p.workspace_id
		JOIN users u ON u.id = a.user_id
		ORDER BY a.answered_at, a.id`)
}
