package bot

import (
	"fmt"
	"strings"
)

// Composing posts (compose_*.go): each file builds the text and controls of one family of posts
// from values the game has already read; none reads the store or sends. The game logic (lifecycle.go,
// practice.go, leaderboard.go, …) decides what to show and when, and calls them. This file holds the
// small text helpers they share.

func fence(lang, code string) string {
	return "```" + lang + "\n" + strings.Trim(code, "\n") + "\n```"
}

func truncate(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

func percent(n, d int) string {
	if d == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d%%)", (n*200+d)/(2*d)) // rounded: 2 of 3 is 67%, not 66%
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func percentOf(n, of int) int {
	if of == 0 {
		return 0
	}
	return (100*n + of/2) / of
}

// platformName is how replies name a platform.
func platformName(p string) string {
	switch p {
	case "slack":
		return "Slack"
	case "discord":
		return "Discord"
	case "console":
		return "the terminal"
	}
	return p
}
