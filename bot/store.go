package bot

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// Errors a Store returns that the engine turns into replies. Anything else is an internal error.
var (
	ErrNotFound        = errors.New("not found")
	ErrAlreadyAnswered = errors.New("already answered")
	ErrClosed          = errors.New("question closed")
)

// Channel is a conversation the bot has seen, with its settings.
type Channel struct {
	ID          int64
	WorkspaceID int64
	Conv        Conversation
	TimeZone    string // IANA zone name; periods and reveal times are computed in it
	Filter      Filter // which questions this channel gets
}

// Location is the channel's time zone, UTC when the stored name no longer loads.
func (c Channel) Location() *time.Location {
	if loc, err := time.LoadLocation(c.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// PostedQuestion is a team question posted in a channel.
type PostedQuestion struct {
	ID          int64
	ChannelID   int64
	WorkspaceID int64
	QuestionID  string
	Kind        Kind
	Topic       string
	PostedAt    time.Time
	Day         string // local date in the channel's zone, YYYY-MM-DD: the unit of streaks
	RevealAt    time.Time
	Ref         MessageRef
	ClosedAt    time.Time // zero while open
}

// Open reports whether the question still takes answers.
func (p PostedQuestion) Open() bool { return p.ClosedAt.IsZero() }

// ShortRef is the reference players use: "#12".
func (p PostedQuestion) ShortRef() string { return "#" + strconv.FormatInt(p.ID, 10) }

// Seen is one past posting of a question in a channel.
type Seen struct {
	QuestionID string
	Kind       Kind
	PostedAt   time.Time
}

// Answer is one user's answer to a posted question.
type Answer struct {
	ID         int64
	PostID     int64
	User       User
	Keys       []string // chosen keys, sorted; empty for free text
	Text       string   // free-text answer
	Reason     string   // why the user chose it ("because …"), shown at the reveal; "" when none
	AnsweredAt time.Time
	Graded     bool
	Correct    bool
	Unjudged   bool // graded, but there was no right answer to judge it by (see Grade)
	Points     int
}

// Grade is the verdict on one answer.
type Grade struct {
	Correct bool
	Points  int
	// Unjudged marks an answer to a question with no single right answer (design), or one that left
	// the bank while open (withdrawn.go): it stays out of accuracy, neither right nor wrong. A
	// design answer earns points; a withdrawn question's none.
	Unjudged bool
}

// GradeFunc grades an answer; streak is the user's run of answered question days including this one.
type GradeFunc func(a Answer, streak int) Grade

// Standing is one user's line on a leaderboard. Correct and Judged count only answers to questions
// with a right answer, so design answers do not inflate accuracy.
type Standing struct {
	Rank    int
	User    User
	Points  int
	Correct int
	Judged  int
	Streak  int
}

// TopicStat is a user's record on one topic, team and practice answers together.
type TopicStat struct {
	Topic    string
	Answered int
	Correct  int
}

// UserStats is what `/pyq me` shows. Answered counts every team answer; Judged and Correct only
// those to questions with a right answer (not design), and likewise for practice.
type UserStats struct {
	Points           int
	Answered         int // graded team answers
	Pending          int // team answers waiting for their reveal
	Judged           int
	Correct          int
	PracticeAnswered int
	PracticeJudged   int
	PracticeCorrect  int
	Topics           []TopicStat
}

// Practice is a private question asked to one user; it never touches the leaderboard.
type Practice struct {
	ID          int64
	WorkspaceID int64
	User        User
	QuestionID  string
	Topic       string
	Kind        Kind
	AskedAt     time.Time
	AnsweredAt  time.Time // zero until answered
	Keys        []string
	Correct     bool
	Order       []string // the bank's choice keys in the order shown (a review reshuffles them); nil: bank order
	Review      bool     // served from the user's review queue
}

// Store keeps everything that must survive a restart: one interface per aggregate, composed here,
// so the engine requires every capability by type (a store without votes or schedules does not
// compile) rather than discovering it at run time. Methods that write commit before returning.
type Store interface {
	ChannelStore
	PostStore
	AnswerStore
	StandingStore
	PracticeStore
	ProblemStore
	ReplayStore
	ReviewStore
	AttemptStore
	ProgressStore
	ReportStore
	VoteStore
	ScheduleStore
	ReminderStore
	RubricStore
}

// ChannelStore keeps the channels the bot has seen and their settings.
type ChannelStore interface {
	// EnsureChannel returns the channel, creating its workspace and row on first sight with zone.
	EnsureChannel(ctx context.Context, conv Conversation, zone string) (Channel, error)
	// SetChannelFilter restricts which questions the channel gets; an empty Filter allows all.
	SetChannelFilter(ctx context.Context, channelID int64, f Filter) error
}

// PostStore keeps the team questions posted in channels.
type PostStore interface {
	// History lists every question posted in the channel, newest first.
	History(ctx context.Context, channelID int64) ([]Seen, error)
	// CreatePost stores a new open question and returns it with its ID.
	CreatePost(ctx context.Context, p PostedQuestion) (PostedQuestion, error)
	// SetPostRef records where the platform put the post.
	SetPostRef(ctx context.Context, postID int64, ref MessageRef) error
	// DiscardPost removes a post that never reached the platform. ErrClosed if it has answers.
	DiscardPost(ctx context.Context, postID int64) error
	// Post returns one posted question. ErrNotFound if there is none.
	Post(ctx context.Context, postID int64) (PostedQuestion, error)
	// OpenPosts lists the channel's open questions, newest first.
	OpenPosts(ctx context.Context, channelID int64) ([]PostedQuestion, error)
	// LatestPost returns the channel's most recent question, open or closed. ErrNotFound if none.
	LatestPost(ctx context.Context, channelID int64) (PostedQuestion, error)
	// OpenQuestions is the set of question IDs open as team posts in any channel of the workspace.
	OpenQuestions(ctx context.Context, workspaceID int64) (map[string]bool, error)
}

// AnswerStore keeps the answers to posted questions, and the names of those who gave them.
type AnswerStore interface {
	// RecordAnswer commits an answer. ErrAlreadyAnswered with the first answer if the user has one;
	// ErrClosed if the question is closed.
	RecordAnswer(ctx context.Context, a Answer) (Answer, error)
	// AnswerTarget returns the conversation's channel and its post postID, read together (the
	// answer path's one read). ErrNotFound if the channel is unknown or the post is not in it.
	AnswerTarget(ctx context.Context, conv Conversation, postID int64) (Channel, PostedQuestion, error)
	// RenameUser stores the user's display name in the conversation's workspace, reporting whether
	// it changed. A user the store has not seen is left alone.
	RenameUser(ctx context.Context, conv Conversation, u User) (bool, error)
	// CountAnswers is how many have answered the post so far.
	CountAnswers(ctx context.Context, postID int64) (int, error)
	// Answers lists a post's answers in the order they came.
	Answers(ctx context.Context, postID int64) ([]Answer, error)
	// CloseAndGrade closes the post and grades every answer in one transaction, returning them
	// graded. ErrClosed if it was already closed.
	CloseAndGrade(ctx context.Context, postID int64, at time.Time, grade GradeFunc) ([]Answer, error)
}

// StandingStore sums graded answers into leaderboards, streaks and stats; the SQL does the
// counting so that leaderboards stay fast.
type StandingStore interface {
	// Leaderboard ranks everyone with a graded answer in [from, to), best first; Streak is not set.
	Leaderboard(ctx context.Context, workspaceID int64, from, to time.Time) ([]Standing, error)
	// Streak is the user's current run of answered question days in the workspace.
	Streak(ctx context.Context, workspaceID int64, userID string) (int, error)
	// UserStats sums a user's answers in the workspace.
	// Answers to the unjudged kinds count as answered but never towards accuracy.
	UserStats(ctx context.Context, workspaceID int64, userID string, unjudged []Kind) (UserStats, error)
}

// PracticeStore keeps the private questions asked to one user.
type PracticeStore interface {
	// CreatePractice stores a private question asked to a user.
	CreatePractice(ctx context.Context, p Practice) (Practice, error)
	// Practice returns one practice question. ErrNotFound if there is none.
	Practice(ctx context.Context, id int64) (Practice, error)
	// AnswerPractice records the answer to a practice question. ErrAlreadyAnswered if it has one.
	AnswerPractice(ctx context.Context, id int64, keys []string, correct bool, at time.Time) (Practice, error)
}

// ProblemStore keeps problems around a channel's posts (see Degraded) for admins.
type ProblemStore interface {
	// RecordProblem keeps a problem around a channel's posts for admins.
	RecordProblem(ctx context.Context, channelID int64, at time.Time, text string) error
	// Problems lists the channel's recorded problems since `since`, oldest first.
	Problems(ctx context.Context, channelID int64, since time.Time) ([]ChannelProblem, error)
}
