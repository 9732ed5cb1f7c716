package bot_test

import (
	"context"
	"fmt"
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
func defaultWeeks(t *testing.T) (*testkit.FakeClock, *harness, bot.Channel) {
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
	return c, h, ch
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

// Two weeks on the default schedule (without the debug job): a question at 09:00, the reveal at
// 17:00 (which opens a vote), the leaderboard Fridays at 16:00. Every bonus awarded by the second
// post is named in exactly one of the two posts; Thursday's and Friday's of the first week in the
// second, under "since last week's post".
func TestEveryBestExplanationIsNamedInOneWeeklyPost(t *testing.T) {
	ctx := context.Background()
	c, h, ch := defaultWeeks(t)
	for _, day := range []int{16, 17, 18, 19, 20, 23, 24, 25, 26, 27} {
		at := func(hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC) }
		h.tick(at(9))
		h.as("Ada", false, fmt.Sprintf("answer A because Ada's reason on the %dth", day))
		h.as("Bo", false, fmt.Sprintf("answer A because Bo's reason on the %dth", day))
		h.tick(at(16)) // Fridays: the weekly post
		if day == 27 {
			break
		}
		h.tick(at(17))
		for _, voter := range []string{"Cy", "Di"} {
			mustContain(t, h.as(voter, false, fmt.Sprintf("vote %d", 1+day%2)).Post.Text, "Recorded your vote")
		}
		if day == 20 {
			h.tick(time.Date(2026, 11, 21, 17, 0, 0, 0, time.UTC)) // Saturday: Friday's vote closes by time
		}
	}
	posts := h.weeklyPosts()
	if len(posts) != 2 {
		t.Fatalf("%d weekly posts, want 2", len(posts))
	}
	best, err := h.store.BestExplanations(ctx, ch.WorkspaceID, time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), c.Now().Add(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if len(best) != 8 { // Monday 16th's to Wednesday 25th's
		t.Fatalf("%d bonuses awarded, want 8: %+v", len(best), best)
	}
	namedOnce(t, best, posts)
	mustContain(t, posts[1], "Best explanations since last week's post (+5 each):")
	mustContain(t, posts[0], "Best explanations this week (+5 each):")
}

// A Friday skipped for a holiday has no weekly post; the next one names every best explanation
// closed since the post before it, saying since when, so none goes unnamed.
func TestASkippedWeeklyPostLeavesNoBestExplanationUnnamed(t *testing.T) {
	ctx := context.Background()
	c, h, ch := defaultWeeks(t)
	mustContain(t, h.as("lead", true, "schedule skip 2026-11-27").Post.Text, "27")
	days := []time.Time{}
	for d := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && d.Day() != 27 {
			days = append(days, d)
		}
	}
	for _, d := range days {
		at := func(hour int) time.Time { return d.Add(time.Duration(hour) * time.Hour) }
		h.tick(at(9))
		h.as("Ada", false, fmt.Sprintf("answer A because Ada's reason on %s", d.Format("2 Jan")))
		h.as("Bo", false, fmt.Sprintf("answer A because Bo's reason on %s", d.Format("2 Jan")))
		h.tick(at(16)) // Fridays: the weekly post, but not on the 27th
		if d.Day() == 4 {
			break
		}
		h.tick(at(17))
		for _, voter := range []string{"Cy", "Di"} {
			mustContain(t, h.as(voter, false, fmt.Sprintf("vote %d", 1+d.Day()%2)).Post.Text, "Recorded your vote")
		}
		if d.Weekday() == time.Friday {
			h.tick(at(17).Add(24 * time.Hour)) // Friday's vote closes on Saturday, by time
		}
	}
	posts := h.weeklyPosts()
	if len(posts) != 2 {
		t.Fatalf("%d weekly posts, want 2 (20 Nov and 4 Dec; 27 Nov is skipped)", len(posts))
	}
	best, err := h.store.BestExplanations(ctx, ch.WorkspaceID, time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), c.Now().Add(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if len(best) != len(days)-2 { // every day's but Thursday's and Friday's of the last week
		t.Fatalf("%d bonuses awarded, want %d: %+v", len(best), len(days)-2, best)
	}
	namedOnce(t, best, posts)
	mustContain(t, posts[1], "Best explanations since the weekly post of Fri 20 Nov (+5 each):")
}
