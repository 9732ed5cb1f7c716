package discord

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"github.com/bwmarrin/discordgo"
)

// maxAttempts bounds how often one REST call is tried when Discord answers 429. A 429 means Discord
// did nothing, so trying again never double-posts; the bound keeps a misbehaving limit from
// piling up invalid requests.
const maxAttempts = 3

// call runs one REST call with ctx, waiting out 429s (retry_after, at least minRetryAfter) up to
// maxAttempts. Anything else, including a connection error after which the message may or may not
// exist, is returned at once.
func (a *Adapter) call(ctx context.Context, what string, f func(opts ...discordgo.RequestOption) error) error {
	for attempt := 1; ; attempt++ {
		err := f(discordgo.WithContext(ctx))
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) {
			return redact(err)
		}
		if attempt >= maxAttempts {
			a.log.Warn("discord still rate limited, giving up", "call", what, "attempts", attempt)
			return fmt.Errorf("%s: Discord rate limit, retry after %s", what, rl.RetryAfter)
		}
		wait := max(rl.RetryAfter, minRetryAfter)
		a.log.Warn("discord rate limited, waiting", "call", what, "retry_after", wait)
		if err := a.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// tokenInPath matches the interaction or webhook token in a REST URL.
var tokenInPath = regexp.MustCompile(`/(interactions|webhooks)/([^/]+)/[^/?]+`)

// redact keeps interaction tokens (valid for 15 minutes, enough to post as the bot) out of errors,
// which end up in logs: net/http's errors quote the whole URL.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", ue.Op, tokenInPath.ReplaceAllString(ue.URL, "/$1/$2/[token]"), ue.Err)
	}
	return err
}
