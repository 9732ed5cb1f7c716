package bot_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// simBank is one topic at every level, 20 questions each, so a month of daily questions never
// repeats one. The right choice reads "right" wherever it stands, so a player finds it (or avoids
// it) in a shuffled review as easily as in the team post.
func simBank() []bot.Question {
	var qs []bot.Question
	for _, d := range bot.Difficulties {
		for i := range 20 {
			texts := []string{"w1", "w2", "w3"}
			texts = slices.Insert(texts, i%4, "right")
			var choices []bot.Choice
			for k, text := range texts {
				choices = append(choices, bot.Choice{Key: string(rune('A' + k)), Text: text})
			}
			qs = append(qs, bot.Question{ID: fmt.Sprintf("sim-%s-%d", d, i), Kind: bot.KindOutput, Topic: "closures", Difficulty: d,
				Title: fmt.Sprintf("Closures %s %d", d, i), Prompt: "What prints?", Code: fmt.Sprintf("print(%d)", i),
				Choices: choices, Answer: []string{string(rune('A' + i%4))}, Explanation: "It prints right."})
		}
	}
	return qs
}

// simPlayer is one of the five: an accuracy pattern over their answers in order, days away.
type simPlayer struct {
	name    string
	pattern string       // '1' right, '0' wrong, repeated over every answer they give
	away    map[int]bool // days they neither answer nor practise
	n       int          // answers given so far: where they are in the pattern

	teamAnswers, teamRight int

	// What the rules say should follow from what they did, kept by the test.
	reviews     map[string]bot.Review // by question, updated with bot.NextReview
	level, up   int                   // adaptive level index and the current runs at it
	down        int
	levels      []string // the level each adaptive practice stated, in order
	reviewDays  []int    // days `/pyq practice` served a review
	missedFirst bool     // force the next answer wrong once (Ace's one miss)
}

func (p *simPlayer) nextRight() bool {
	if p.missedFirst {
		p.missedFirst = false
		p.n++
		return false
	}
	right := p.pattern[p.n%len(p.pattern)] == '1'
	p.n++
	return right
}

// judged feeds the level rule as the brief states it: 3 right in a row at the current level step up,
// 2 wrong in a row step down; answers at other levels leave it.
func (p *simPlayer) judged(d bot.Difficulty, right bool) {
	if d != bot.Difficulties[p.level] {
		return
	}
	if right {
		p.up, p.down = p.up+1, 0
	} else {
		p.up, p.down = 0, p.down+1
	}
	switch {
	case p.up >= bot.LevelUpRun && p.level < len(bot.Difficulties)-1:
		p.level, p.up = p.level+1, 0
	case p.down >= bot.LevelDownRun && p.level > 0:
		p.level, p.down = p.level-1, 0
	}
}

func (p *simPlayer) review(qid string, right bool, at time.Time) {
	r, found := p.reviews[qid]
	if !found {
		r.QuestionID = qid
	}
	if next, save := bot.NextReview(r, found, right, at, bot.ReviewDueBy(at, time.UTC)); save {
		p.reviews[qid] = next
	}
}

// reviewLine is `/pyq me`'s review summary as the kept queue predicts it, at now (UTC channel).
func (p *simPlayer) reviewLine(now time.Time) string {
	endOfDay := bot.ReviewDueBy(now, time.UTC)
	var c bot.ReviewCounts
	for _, r := range p.reviews {
		switch {
		case r.Mastered:
			c.Mastered++
		case !r.DueAt.After(endOfDay):
			c.Due++
		default:
			c.Waiting++
		}
	}
	if c == (bot.ReviewCounts{}) {
		return ""
	}
	return fmt.Sprintf("Reviews: %d due today, %d waiting, %d mastered.", c.Due, c.Waiting, c.Mastered)
}

var (
	pickedLevel = regexp.MustCompile(`Picked for you — [a-z ]+: closures, ([a-z]+)`)
	streakLine  = regexp.MustCompile(`Streak (\d+) · (\d+) freezes?`)
)

// TestThirtyDaySimulation plays a month on a real database with a fake clock: five players with
// different accuracies answer a daily team question (one is away some days, two answer late on
// some), practise every day (a due review first, then an adaptive question) and vote on
// explanations; the channel's 12:00 reveal job reveals through the scheduler's Tick, which also
// sends the reminders two of them asked for. Every day it checks
// what each player is told against what the rules predict from what they did: the review queue on
// `/pyq me`, the adaptive level practice states, the streak and freezes; at the end the review
// intervals, mastery, the level paths, the vote results, the leaderboard with its bonuses, and
// that each reminder went once, an hour before the reveal, only to who opted in and had not answered.
func TestThirtyDaySimulation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bank := simBank()
	byID := map[string]bot.Question{}
	for _, q := range bank {
		byID[q.ID] = q
	}
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday
	h := newVoteHarness(t, bank, "", testkit.NewFakeClock(start))
	dm := &dmRecorder{Recorder: h.out, DMRecorder: testkit.DMRecorder{Now: h.clock.Now}, start: start}
	h.engine.AddAdapter(dm) // the same recorder, able to send private reminders
	// The channel's reveal job runs at 12:00: the reveal each day, and the deadline reminders count from.
	mustContain(t, h.as("lead", true, `schedule set reveal "0 12 * * *"`).Post.Text, "reveal")
	players := []*simPlayer{
		{name: "Ace", pattern: "1"},
		{name: "Good", pattern: "11110"},
		{name: "Mid", pattern: "111000"},
		{name: "Weak", pattern: "10000"},
		{name: "Sporadic", pattern: "110", away: map[int]bool{10: true, 16: true, 17: true, 20: true}},
	}
	for _, p := range players {
		p.reviews = map[string]bot.Review{}
	}
	// Good and Sporadic want a reminder an hour before the reveal; Mid never asked for one.
	for _, name := range []string{"Good", "Sporadic"} {
		mustContain(t, h.as(name, false, "remind on").Post.Text, "Reminders are on")
	}
	lateDay := func(day int) bool { return day%7 == 3 } // Good and Mid answer only after 11:00
	wantDMs := map[int][]string{}
	ace, good, mid, weak, sporadic := players[0], players[1], players[2], players[3], players[4]
	var postIDs []int64
	type round struct {
		post   int64
		winner string // "" when the votes earn no bonus
	}
	var rounds []round
	minute := func() { h.clock.Advance(time.Minute) }
	pick := func(post bot.Post, right bool) string {
		if right {
			return letterOf(t, post, "right")
		}
		return letterOf(t, post, "w1")
	}

	// practise answers one practice post and returns whether it was a review.
	practise := func(p *simPlayer, day int, post bot.Post) {
		t.Helper()
		ref := practiceRef(t, post)
		id, _ := strconv.ParseInt(strings.TrimPrefix(ref, "p"), 10, 64)
		pr, err := h.store.Practice(ctx, id)
		if err != nil {
			t.Fatalf("day %d: practice %s: %v", day, ref, err)
		}
		q := byID[pr.QuestionID]
		right := p.nextRight()
		minute()
		got := h.as(p.name, false, "answer "+ref+" "+pick(post, right))
		want := "Not quite."
		if right {
			want = "Right!"
		}
		if !strings.HasSuffix(got.Post.Title, want) {
			t.Fatalf("day %d: %s answering %s got %q, want %q", day, p.name, ref, got.Post.Title, want)
		}
		p.judged(q.Difficulty, right)
		p.review(q.ID, right, h.clock.Now())
	}

	for day := range 30 {
		h.clock.Set(start.AddDate(0, 0, day))
		h.postOnly()
		latest, err := h.store.LatestPost(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		postIDs = append(postIDs, latest.ID)
		q := byID[latest.QuestionID]
		team := h.last().Post
		voteDay := day%4 == 1 && day < 29
		if day == 1 {
			ace.missedFirst = true // Ace's one miss: it must come back on the Leitner schedule
		}
		type teamAnswer struct {
			p     *simPlayer
			right bool
		}
		var given []teamAnswer
		answerTeam := func(p *simPlayer) {
			t.Helper()
			minute()
			right := p.nextRight()
			text := "answer " + pick(team, right)
			if voteDay && (p == ace || p == good) {
				text += " because " + p.name + " read the closure"
			}
			mustContain(t, h.as(p.name, false, text).Post.Text, "Recorded your answer")
			given = append(given, teamAnswer{p, right})
		}
		late := func(p *simPlayer) bool { return lateDay(day) && (p == good || p == mid) }
		for _, p := range players {
			if !p.away[day] && !late(p) {
				answerTeam(p)
			}
		}
		// Reminders: due at 11:00 (an hour before the 12:00 reveal) for those who opted in and
		// have not answered; the ticks around it must not send one early or twice.
		if sporadic.away[day] {
			wantDMs[day] = append(wantDMs[day], "sporadic")
		}
		if lateDay(day) {
			wantDMs[day] = append([]string{"good"}, wantDMs[day]...)
		}
		at := func(hour, min int) time.Time {
			return start.AddDate(0, 0, day).Add(time.Duration(hour-9)*time.Hour + time.Duration(min)*time.Minute)
		}
		h.tick(at(10, 59))
		if n := dm.count(day); n != 0 {
			t.Errorf("day %d: %d reminders before 11:00", day, n)
		}
		h.tick(at(11, 0))
		h.tick(at(11, 5))
		h.clock.Set(at(11, 30))
		for _, p := range players {
			if !p.away[day] && late(p) {
				answerTeam(p)
			}
		}
		h.tick(at(11, 45))
		if got, want := dm.users(day), fmt.Sprint(wantDMs[day]); got != want {
			t.Errorf("day %d: reminders went to %s, want %s (opted in, not answered, once)", day, got, want)
		}

		h.tick(at(12, 0)) // the reveal job (closing yesterday's vote first)
		if got, err := h.store.Post(ctx, latest.ID); err != nil || got.Open() {
			t.Fatalf("day %d: the 12:00 reveal job left #%d open (%v)", day, latest.ID, err)
		}
		for _, g := range given {
			g.p.teamAnswers++
			if g.right {
				g.p.teamRight++
			}
			g.p.judged(q.Difficulty, g.right)
			g.p.review(q.ID, g.right, h.clock.Now())
		}
		if voteDay {
			// Candidates are numbered in the order the reasons came: Ace 1, Good 2. Mid and Weak judge.
			votes := [][2]string{{"1", "1"}, {"2", "2"}, {"1", "2"}}[len(rounds)%3]
			winner := []string{"Ace", "Good", ""}[len(rounds)%3]
			mustContain(t, h.as("Mid", false, "vote "+votes[0]).Post.Text, "Recorded your vote on #"+strconv.FormatInt(latest.ID, 10))
			mustContain(t, h.as("Weak", false, "vote "+votes[1]).Post.Text, "Recorded your vote on #"+strconv.FormatInt(latest.ID, 10))
			rounds = append(rounds, round{latest.ID, winner})
		}

		h.clock.Set(at(13, 0)) // practice
		for _, p := range players {
			if p.away[day] {
				continue
			}
			post := h.as(p.name, false, "practice").Post
			if strings.HasPrefix(post.Title, "Review:") {
				p.reviewDays = append(p.reviewDays, day)
				practise(p, day, post)
				minute()
				post = h.as(p.name, false, "practice new").Post
			}
			m := pickedLevel.FindStringSubmatch(post.Text)
			if m == nil {
				t.Fatalf("day %d: %s's practice does not say what it picked: %q", day, p.name, post.Text)
			}
			if want := string(bot.Difficulties[p.level]); m[1] != want {
				t.Errorf("day %d: %s's practice is at %s, want %s by the 3-up/2-down rule", day, p.name, m[1], want)
			}
			p.levels = append(p.levels, m[1])
			practise(p, day, post)
		}

		h.clock.Set(at(14, 0)) // everyone checks /pyq me
		for _, p := range players {
			me := bot.StripUserText(h.as(p.name, false, "me").Post.Text)
			if want := p.reviewLine(h.clock.Now()); want == "" && strings.Contains(me, "Reviews:") || !strings.Contains(me, want) {
				t.Errorf("day %d: %s's /pyq me lacks %q:\n%s", day, p.name, want, me)
			}
			if p == sporadic {
				checkSporadicStreak(t, day, me)
			}
		}
	}

	// Reminders: 8 in the month, each once, only to the two who asked, only on days they had not
	// answered by 11:00 (Good's late days 3, 10, 17, 24; Sporadic's days away 10, 16, 17, 20).
	if n := len(dm.DMs()); n != 8 {
		t.Errorf("%d reminders in the month, want 8", n)
	}
	for _, r := range dm.DMs() {
		mustContain(t, bot.PlainText(r.Post), "/pyq answer #"+strconv.FormatInt(postIDs[dm.day(r)], 10), "/pyq remind off")
	}

	// Review intervals: Ace's one miss (day 1, at the reveal) came back 1, 3, 7 and 16 days after
	// each right answer; the last box waits 35 days, then a right answer masters it.
	if got, want := fmt.Sprint(ace.reviewDays), "[2 5 12 28]"; got != want {
		t.Errorf("Ace's review came back on days %s, want %s (1, 3, 7, 16 days apart)", got, want)
	}
	afterMonth := func(day int) bot.Post {
		h.clock.Set(start.AddDate(0, 0, day).Add(4 * time.Hour))
		post := h.as("Ace", false, "practice").Post
		practise(ace, day, post)
		return post
	}
	if post := afterMonth(62); strings.HasPrefix(post.Title, "Review:") {
		t.Errorf("day 62: the last box was served after 34 days, want 35")
	}
	if post := afterMonth(63); !strings.HasPrefix(post.Title, "Review:") {
		t.Errorf("day 63: the last box was not served 35 days on: %q", post.Title)
	}
	mustContain(t, h.as("Ace", false, "me").Post.Text, "Reviews: 0 due today, 0 waiting, 1 mastered.")
	if n := len(mid.reviews) + len(weak.reviews); n < 10 {
		t.Errorf("Mid and Weak have %d questions in review, want their many misses queued", n)
	}

	// Adaptive levels: Ace climbs to senior and stays; Mid (3 right, 3 wrong) goes up and comes
	// back down; Weak never gets 3 right in a row and stays at warmup.
	if !slices.Contains(ace.levels, "senior") || ace.levels[len(ace.levels)-1] != "senior" {
		t.Errorf("Ace's levels %v, want senior reached and kept", ace.levels)
	}
	if i := slices.Index(mid.levels, "intermediate"); i < 0 || !slices.Contains(mid.levels[i:], "warmup") {
		t.Errorf("Mid's levels %v, want a step up and a step back down", mid.levels)
	}
	if slices.ContainsFunc(weak.levels, func(l string) bool { return l != "warmup" }) {
		t.Errorf("Weak's levels %v, want warmup throughout", weak.levels)
	}
	if !slices.Contains(good.levels, "intermediate") {
		t.Errorf("Good's levels %v, want at least intermediate", good.levels)
	}

	// Votes: each round closed at the next day's reveal, on its own message, with the bonus or not.
	closed := map[string]string{}
	for _, e := range h.out.Edits() {
		if strings.HasPrefix(e.Post.Title, "Vote closed: the best explanation of ") {
			closed[strings.TrimPrefix(e.Post.Title, "Vote closed: the best explanation of ")] = bot.StripUserText(e.Post.Text)
		}
	}
	wins := map[string]int{}
	for _, r := range rounds {
		text, ok := closed["#"+strconv.FormatInt(r.post, 10)]
		switch {
		case !ok:
			t.Errorf("the vote on #%d never closed", r.post)
		case r.winner == "Ace":
			mustContain(t, text, "The best explanation: no. 1 by Ace, with 2 votes. +5 points.")
		case r.winner == "Good":
			mustContain(t, text, "The best explanation: no. 2 by Good, with 2 votes. +5 points.")
		default:
			mustContain(t, text, "No explanation got 2 votes, so there is no bonus this time.")
		}
		wins[r.winner]++
	}
	if len(rounds) != 7 || wins["Ace"] != 3 || wins["Good"] != 2 || wins[""] != 2 {
		t.Errorf("vote rounds %v, wins %v; want 7 rounds: Ace 3, Good 2, no bonus 2", rounds, wins)
	}

	// The leaderboard: every graded answer's points, plus +5 for each explanation the team chose.
	answerPoints := map[string]int{}
	for _, id := range postIDs {
		answers, err := h.store.Answers(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range answers {
			answerPoints[a.User.Name] += a.Points
		}
	}
	board := h.as("Ace", false, "leaderboard all").Post.Table
	if board == nil || len(board.Rows) != 5 {
		t.Fatalf("all-time leaderboard = %+v, want the five players", board)
	}
	for _, row := range board.Rows {
		name := row[1]
		if want := strconv.Itoa(answerPoints[name] + bot.BestExplanationBonus*wins[name]); row[2] != want {
			t.Errorf("%s has %s points on the leaderboard, want %s (answers) + %d×%d (best explanations)",
				name, row[2], strconv.Itoa(answerPoints[name]), bot.BestExplanationBonus, wins[name])
		}
	}
	right := map[string]string{}
	streaks := map[string]string{}
	for _, row := range board.Rows {
		right[row[1]], streaks[row[1]] = row[3], row[4]
	}
	// Accuracy on the board follows each pattern: Ace missed once in 30.
	for _, p := range players {
		if want := fmt.Sprintf("%d/%d", p.teamRight, p.teamAnswers); right[p.name] != want {
			t.Errorf("%s is %s right on the leaderboard, want %s", p.name, right[p.name], want)
		}
	}
	if right["Ace"] != "29/30" || right["Sporadic"] != fmt.Sprintf("%d/26", sporadic.teamRight) {
		t.Errorf("leaderboard right/judged = %v, want Ace 29/30 and Sporadic out of 26", right)
	}
	// Everyone but Sporadic answered all 30 days; Sporadic's streak restarted on day 21.
	if got := fmt.Sprint(streaks); got != "map[Ace:30 Good:30 Mid:30 Sporadic:9 Weak:30]" {
		t.Errorf("leaderboard streaks = %s", got)
	}
}

// checkSporadicStreak is the freeze rule worked by hand for Sporadic, away on days 10, 16, 17, 20:
// days 0-9 earn two freezes (at 5 and 10 days); day 10 spends one; days 11-15 earn it back; days
// 16 and 17 spend both; day 20 finds none, so the streak ends; days 21-29 build 9 and earn one.
func checkSporadicStreak(t *testing.T, day int, me string) {
	t.Helper()
	want := map[int][2]int{4: {5, 1}, 9: {10, 2}, 10: {10, 1}, 15: {15, 2}, 16: {15, 1}, 17: {15, 0},
		19: {17, 0}, 20: {0, 0}, 24: {4, 0}, 25: {5, 1}, 29: {9, 1}}
	w, ok := want[day]
	if !ok {
		return
	}
	m := streakLine.FindStringSubmatch(me)
	if m == nil || m[1] != strconv.Itoa(w[0]) || m[2] != strconv.Itoa(w[1]) {
		t.Errorf("day %d: Sporadic's streak line %q, want Streak %d · %d freeze(s)", day, m, w[0], w[1])
	}
}

// dmRecorder is the kit's recorder able to send private reminders too, each stamped with the
// clock's time so that the test knows the simulated day it went out on.
type dmRecorder struct {
	*testkit.Recorder
	testkit.DMRecorder
	start time.Time // day 0 of the simulation, 09:00
}

// day is the simulation day a reminder went out on.
func (d *dmRecorder) day(r testkit.DirectSent) int {
	return int(r.At.Sub(d.start.Add(-9*time.Hour)) / (24 * time.Hour))
}

func (d *dmRecorder) on(day int) []testkit.DirectSent {
	var out []testkit.DirectSent
	for _, r := range d.DMs() {
		if d.day(r) == day {
			out = append(out, r)
		}
	}
	return out
}

func (d *dmRecorder) count(day int) int { return len(d.on(day)) }

// users is who was reminded on day, sorted.
func (d *dmRecorder) users(day int) string {
	var names []string
	for _, r := range d.on(day) {
		names = append(names, r.User)
	}
	slices.Sort(names)
	return fmt.Sprint(names)
}
