package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// How the weekly leaderboard and the explanation votes meet: a vote due before the post is closed
// before the post is composed, also when the post is caught up after downtime; and with the default
// schedule every best explanation is named in exactly one weekly post, although Thursday's and
// Friday's votes close after Friday's post.

// defaultWeeks is a channel on the default schedule without the debug job (a question at 09:00,
// the reveal at 17:00, which opens a vote, the leaderboard Fridays at 16:00), from Monday 16 Nov.
func defaultWeeks(t *testing.T) (*harness, bot.Channel) {
	t.Helper()
	c := testkit.NewFakeClock(time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)) // Monday
	var schedules []bot.Schedule
	for _, s := range bot.DefaultSchedules() {
		if s.Job != bot.JobDebug {
			schedules = append(schedules, s)
		}
	}
	h := newKitHarness(t, testkit.Options{Questions: schedQuestions()[:30], Clock: c, Schedules: schedules})
	ch, err := h.engine.EnsureChannel(context.Background(), h.conv)
	if err != nil {
		t.Fatal(err)
	}
	return h, ch
}

// namedOnce checks that each bonus is named in exactly one of the weekly posts.
func namedOnce(t *testing.T, best []bot.BestExplanation, posts []string) {
	t.Helper()
	for _, b := range best {
		named := fmt.Sprintf("%s (#%d, %d votes)", b.User.Name, b.PostID, b.Votes)
		var in []int
		for i, p := range posts {
			if strings.Contains(p, named) {
				in = append(in, i+1)
			}
		}
		if len(in) != 1 {
			t.Errorf("the bonus of %s closed %s is named in weekly posts %v, want exactly one", named, b.AwardedAt.Format("Mon 2 Jan 15:04"), in)
		}
	}
}

// namedOnceIn checks that the channel has posts weekly posts and that the bonuses awarded since
// Monday 16 Nov, of which there are bonuses, are each named in exactly one; it returns the posts.
// Bonuses are counted up to the clock's instant, included, as the weekly post counts them.
func namedOnceIn(t *testing.T, h *harness, ch bot.Channel, posts, bonuses int) []string {
	t.Helper()
	weekly := h.weeklyPosts()
	if len(weekly) != posts {
		t.Fatalf("%d weekly posts in the channel, want %d", len(weekly), posts)
	}
	best, err := h.store.BestExplanations(context.Background(), ch.WorkspaceID, time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), h.clock.Now().Add(time.Millisecond))
	if err != nil || len(best) != bonuses {
		t.Fatalf("bonuses: %+v, %v; want %d", best, err, bonuses)
	}
	namedOnce(t, best, weekly)
	return weekly
}

// weeklyPosts are the leaderboard job's posts, oldest first, as a reader sees them.
func (h *harness) weeklyPosts() []string {
	var out []string
	for _, s := range h.out.Sent() {
		if strings.HasPrefix(s.Post.Title, "Weekly leaderboard") && s.To == h.conv {
			out = append(out, bot.StripUserText(bot.PlainText(s.Post)))
		}
	}
	return out
}

// A vote due at 15:00 Friday and the 16:00 weekly leaderboard both fall in downtime; when the bot
// is back at 16:30 the late post counts the bonus and names it.
func TestCatchUpClosesTheDueVoteBeforeTheWeeklyLeaderboard(t *testing.T) {
	c := testkit.NewFakeClock(time.Date(2026, 11, 19, 9, 0, 0, 0, time.UTC)) // Thursday
	h := newKitHarness(t, testkit.Options{Questions: testQuestions()[:1], Clock: c,
		Schedules: only(bot.JobLeaderboard, "0 16 * * 5", "")})
	if _, err := h.engine.EnsureChannel(context.Background(), h.conv); err != nil {
		t.Fatal(err)
	}
	h.postOnly()
	h.as("Alice", false, "answer B because two")
	h.as("Bob", false, "answer C because print(3) prints 3")
	c.Set(time.Date(2026, 11, 19, 15, 0, 0, 0, time.UTC))
	h.as("lead", true, "reveal") // the vote closes Friday 15:00
	h.as("Carol", false, "vote 2")
	h.as("Dave", false, "vote 2")

	h.tick(time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)) // then down until 16:30
	h.tick(time.Date(2026, 11, 20, 16, 30, 0, 0, time.UTC))
	posts := h.weeklyPosts()
	if len(posts) != 1 {
		t.Fatalf("%d weekly posts, want the late one", len(posts))
	}
	mustContain(t, posts[0], "Posted late", "Best explanations this week (+5 each): Bob (#1, 2 votes).")
	var bob []string
	for _, s := range h.out.Sent() {
		if strings.HasPrefix(s.Post.Title, "Weekly leaderboard") {
			for _, row := range s.Post.Table.Rows {
				if row[1] == "Bob" {
					bob = row
				}
			}
		}
	}
	if len(bob) < 3 || bob[2] != "15" {
		t.Errorf("Bob's row in the weekly post = %q, want 15 points: 10 for the answer and the 5-point bonus", bob)
	}
}

// playDays plays the default weeks' days in order: the 09:00 question, answered with a reason by
// Ada and Bo, and the 16:00 tick (Fridays: the weekly post); then, but for the last day, the 17:00
// reveal and Cy's and Di's votes (for one explanation or the other by the day's parity). A
// Friday's vote closes on Saturday, by time.
func playDays(h *harness, days []time.Time) {
	h.t.Helper()
	for i, d := range days {
		at := func(hour int) time.Time { return d.Add(time.Duration(hour) * time.Hour) }
		h.tick(at(9))
		h.as("Ada", false, fmt.Sprintf("answer A because Ada's reason on %s", d.Format("2 Jan")))
		h.as("Bo", false, fmt.Sprintf("answer A because Bo's reason on %s", d.Format("2 Jan")))
		h.tick(at(16))
		if i == len(days)-1 {
			return
		}
		h.tick(at(17))
		for _, voter := range []string{"Cy", "Di"} {
			mustContain(h.t, h.as(voter, false, fmt.Sprintf("vote %d", 1+d.Day()%2)).Post.Text, "Recorded your vote")
		}
		if d.Weekday() == time.Friday {
			h.tick(at(17).Add(24 * time.Hour))
		}
	}
}

// weekdays are the days from from to until (exclusive), Saturdays, Sundays and skip left out.
func weekdays(from, until time.Time, skip ...time.Time) []time.Time {
	var days []time.Time
	for d := from; d.Before(until); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && !slices.ContainsFunc(skip, d.Equal) {
			days = append(days, d)
		}
	}
	return days
}

// Two weeks on the default schedule (without the debug job): a question at 09:00, the reveal at
// 17:00 (which opens a vote), the leaderboard Fridays at 16:00. Every bonus awarded by the second
// post is named in exactly one of the two posts; Thursday's and Friday's of the first week in the
// second, under "since last week's post".
func TestEveryBestExplanationIsNamedInOneWeeklyPost(t *testing.T) {
	h, ch := defaultWeeks(t)
	playDays(h, weekdays(time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)))
	posts := namedOnceIn(t, h, ch, 2, 8) // the bonuses of Monday 16th's to Wednesday 25th's votes
	mustContain(t, posts[1], "Best explanations since last week's post (+5 each):")
	mustContain(t, posts[0], "Best explanations this week (+5 each):")
}

// A Friday skipped for a holiday has no weekly post; the next one names every best explanation
// closed since the post before it, saying since when, so none goes unnamed.
func TestASkippedWeeklyPostLeavesNoBestExplanationUnnamed(t *testing.T) {
	h, ch := defaultWeeks(t)
	mustContain(t, h.as("lead", true, "schedule skip 2026-11-27").Post.Text, "27")
	skipped := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	days := weekdays(time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), skipped)
	playDays(h, days)
	// Two posts, 20 Nov and 4 Dec; every day's bonus but Thursday's and Friday's of the last week.
	posts := namedOnceIn(t, h, ch, 2, len(days)-2)
	mustContain(t, posts[1], "Best explanations since the weekly post of Fri 20 Nov (+5 each):")
}
