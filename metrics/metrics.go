// Package metrics exposes what pyqbot does in the Prometheus text format, through the official
// client library and a private registry (never the global one, so tests and a second engine in one
// process do not collide). It implements bot.Metrics for the engine and bot.PlatformMetrics for
// the adapters; the core itself stays free of any metrics library.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pyqbot/pyqbot/bot"
)

// Names of the metrics, for the README and for tests.
const (
	QuestionsPosted = "pyqbot_questions_posted_total"
	AnswersRecorded = "pyqbot_answers_recorded_total"
	AckLatency      = "pyqbot_ack_latency_seconds"
	APIErrors       = "pyqbot_platform_api_errors_total"
	SlotsClaimed    = "pyqbot_slots_claimed_total"
	SlotsLate       = "pyqbot_slots_posted_late_total"
	SlotsSkipped    = "pyqbot_slots_skipped_total"
	Reminders       = "pyqbot_reminders_total"
	OpenQuestions   = "pyqbot_open_questions"
	BuildInfo       = "pyqbot_build_info"
)

// ackBuckets span Slack's and Discord's 3-second acknowledgement limit: most acks take milliseconds,
// and anything in the top buckets is close to the user seeing an error.
var ackBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5}

// Options configure a Registry.
type Options struct {
	// Version goes into pyqbot_build_info.
	Version string
	// Platforms are the adapters that run: their series start at zero, so a rate over a quiet
	// platform is 0 rather than missing.
	Platforms []string
	// OpenQuestions counts the open team questions; it is called at each scrape (nil: the gauge is
	// not exported).
	OpenQuestions func(ctx context.Context) (int, error)
	// Logger receives scrape errors (the store not answering); nil discards them.
	Logger *slog.Logger
}

// Registry holds pyqbot's metrics. It is safe for concurrent use.
type Registry struct {
	reg       *prometheus.Registry
	log       *slog.Logger
	questions *prometheus.CounterVec
	answers   *prometheus.CounterVec
	ack       *prometheus.HistogramVec
	apiErrors *prometheus.CounterVec
	claimed   *prometheus.CounterVec
	late      *prometheus.CounterVec
	skipped   *prometheus.CounterVec
	reminders *prometheus.CounterVec
}

var (
	_ bot.Metrics         = (*Registry)(nil)
	_ bot.PlatformMetrics = (*Registry)(nil)
)

// New registers every metric, the Go runtime's and the process's in a new private registry.
func New(o Options) *Registry {
	r := &Registry{
		reg: prometheus.NewRegistry(),
		log: o.Logger,
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: QuestionsPosted,
			Help: "Team questions the platform accepted, by platform and kind."}, []string{"platform", "kind"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: AnswersRecorded,
			Help: "Team answers committed to the database, by platform and question kind."}, []string{"platform", "kind"}),
		ack: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: AckLatency,
			Help:    "Time from receiving a platform request or event to writing or sending its acknowledgement (the platforms allow 3 s).",
			Buckets: ackBuckets}, []string{"platform"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: APIErrors,
			Help: "Failed platform API calls: method is the Slack Web API method or Discord REST route, code the error string or HTTP status."},
			[]string{"platform", "method", "code"}),
		claimed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: SlotsClaimed,
			Help: "Scheduled slots this process claimed and ran, by job."}, []string{"job"}),
		late: prometheus.NewCounterVec(prometheus.CounterOpts{Name: SlotsLate,
			Help: "Scheduled slots posted after their time because the bot was down, by job."}, []string{"job"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: SlotsSkipped,
			Help: "Scheduled slots not posted (missed beyond the grace window, a skip date, nothing to post), by job."}, []string{"job"}),
		reminders: prometheus.NewCounterVec(prometheus.CounterOpts{Name: Reminders,
			Help: "Private reminders this process tried to send, by platform and outcome: sent, unreachable (the platform refuses the user), failed (retried)."},
			[]string{"platform", "outcome"}),
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	info := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: BuildInfo, Help: "Always 1; the version label says which pyqbot runs."}, []string{"version"})
	info.WithLabelValues(o.Version).Set(1)
	r.reg.MustRegister(r.questions, r.answers, r.ack, r.apiErrors, r.claimed, r.late, r.skipped, r.reminders, info,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if o.OpenQuestions != nil {
		r.reg.MustRegister(&openQuestions{count: o.OpenQuestions})
	}
	for _, p := range o.Platforms {
		for _, k := range bot.Kinds {
			r.questions.WithLabelValues(p, string(k))
			r.answers.WithLabelValues(p, string(k))
		}
		r.ack.WithLabelValues(p)
		for _, o := range []bot.ReminderState{bot.ReminderSent, bot.ReminderUnreachable, bot.ReminderFailed} {
			r.reminders.WithLabelValues(p, string(o))
		}
	}
	for _, j := range append(append([]bot.Job(nil), bot.Jobs...), bot.JobHint) {
		r.claimed.WithLabelValues(string(j))
		r.late.WithLabelValues(string(j))
		r.skipped.WithLabelValues(string(j))
	}
	return r
}

// Handler serves GET /metrics. A metric that cannot be read (the open-question count when the
// store does not answer) is left out of that scrape and logged; the others are still served.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(r.log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// Gatherer is the registry, for tests that read values without HTTP.
func (r *Registry) Gatherer() prometheus.Gatherer { return r.reg }

func (r *Registry) QuestionPosted(platform string, kind bot.Kind) {
	r.questions.WithLabelValues(platform, string(kind)).Inc()
}

func (r *Registry) AnswerRecorded(platform string, kind bot.Kind) {
	r.answers.WithLabelValues(platform, string(kind)).Inc()
}

func (r *Registry) SlotClaimed(job bot.Job) { r.claimed.WithLabelValues(string(job)).Inc() }
func (r *Registry) SlotLate(job bot.Job)    { r.late.WithLabelValues(string(job)).Inc() }
func (r *Registry) SlotSkipped(job bot.Job) { r.skipped.WithLabelValues(string(job)).Inc() }

func (r *Registry) ReminderDone(platform string, outcome bot.ReminderState) {
	r.reminders.WithLabelValues(platform, string(outcome)).Inc()
}

func (r *Registry) ObserveAck(platform string, d time.Duration) {
	r.ack.WithLabelValues(platform).Observe(d.Seconds())
}

func (r *Registry) APIError(platform, method, code string) {
	r.apiErrors.WithLabelValues(platform, method, code).Inc()
}

// openQuestions reads the count from the store at scrape time, so it is never stale and needs no
// bookkeeping in the engine.
type openQuestions struct {
	count func(ctx context.Context) (int, error)
}

var openDesc = prometheus.NewDesc(OpenQuestions, "Team questions posted and not yet revealed, across every channel.", nil, nil)

// scrapeTimeout bounds the store query, so a locked database cannot hang the scrape.
const scrapeTimeout = 2 * time.Second

func (o *openQuestions) Describe(ch chan<- *prometheus.Desc) { ch <- openDesc }

func (o *openQuestions) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	n, err := o.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(openDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(openDesc, prometheus.GaugeValue, float64(n))
}
