package bot

import "context"

// HealthReporter is an adapter that can say whether it is able to serve right now: connected to
// its platform (a websocket up), or serving its HTTP endpoints. /healthz asks every adapter that
// implements it; an adapter that does not is taken as healthy.
type HealthReporter interface {
	// Healthy returns nil when the adapter serves, else an error short enough for a health
	// endpoint's reason, e.g. "socket mode disconnected". It must answer at once: it reads state the
	// adapter keeps, and never calls the platform.
	Healthy(ctx context.Context) error
}
