package bot

import (
	"time"

	"github.com/pyqbot/pyqbot/bot/scheduler"
)

// Metrics observes what the engine and its scheduler do, for an operator's dashboard. The core only
// reports to it and never reads it back, so the core stays free of any metrics library: main.go
// passes the Prometheus implementation (package metrics). Methods must be cheap and safe for
// concurrent use.
type Metrics interface {
	// QuestionPosted counts a team question the platform accepted.
	QuestionPosted(platform string, kind Kind)
	// AnswerRecorded counts a team answer committed to the store (not a refused one, not practice).
	AnswerRecorded(platform string, kind Kind)
	// SlotClaimed, SlotLate, SlotSkipped: what the scheduler does with slots.
	scheduler.Metrics
	// ReminderDone counts a reminder this process tried to send, by how it ended: sent,
	// unreachable (the platform refuses the user) or failed (retried on a later tick).
	ReminderDone(platform string, outcome ReminderState)
}

// PlatformMetrics is what adapters report: how fast they acknowledge what the platform sends, and
// the platform's API refusals. Adapters take it as an option; nil means NoMetrics.
type PlatformMetrics interface {
	// ObserveAck records the time from receiving a request or event to writing or sending its
	// acknowledgement (Slack and Discord both give up after 3 seconds).
	ObserveAck(platform string, d time.Duration)
	// APIError counts a failed platform API call: method is the Slack Web API method or the Discord
	// REST route, code the platform's error string or the HTTP status.
	APIError(platform, method, code string)
}

// NoMetrics discards everything; it is the default for both interfaces.
type NoMetrics struct{}

func (NoMetrics) QuestionPosted(string, Kind)            {}
func (NoMetrics) AnswerRecorded(string, Kind)            {}
func (NoMetrics) SlotClaimed(Job)                        {}
func (NoMetrics) SlotLate(Job)                           {}
func (NoMetrics) SlotSkipped(Job)                        {}
func (NoMetrics) ReminderDone(string, ReminderState)     {}
func (NoMetrics) ObserveAck(string, time.Duration)       {}
func (NoMetrics) APIError(platform, method, code string) {}

var (
	_ Metrics         = NoMetrics{}
	_ PlatformMetrics = NoMetrics{}
)
