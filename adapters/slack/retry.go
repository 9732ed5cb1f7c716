package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/bot"
)

// maxRetries is how many times a call refused with 429 is tried again.
const maxRetries = 3

// withRetry calls fn, and again after the Retry-After wait each time Slack answers 429, at most
// maxRetries more times. A 429 means Slack did nothing, so even a post is safe to retry. Any other
// error is returned at once: after a connection error a post may or may not have been made, and
// posting again could double it (the scheduler's claim decides what happens next).
func (a *Adapter) withRetry(ctx context.Context, method string, fn func() error) error {
	for attempt := 0; ; attempt++ {
		err := redact(fn())
		a.apiFailed(method, err)
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) {
			return err
		}
		if attempt == maxRetries {
			return fmt.Errorf("slack %s: still rate limited after %d retries: %w", method, maxRetries, err)
		}
		wait := max(rl.RetryAfter, time.Second)
		a.log.Warn("slack rate limited; retrying", "method", method, "retry_after", wait, "attempt", attempt+1)
		if err := a.sleep(ctx, wait); err != nil {
			return fmt.Errorf("slack %s: gave up waiting out a rate limit: %w", method, err)
		}
	}
}

// sleepCtx is bot.Sleep for the adapter's sleep field.
func sleepCtx(ctx context.Context, d time.Duration) error { return bot.Sleep(ctx, d) }
