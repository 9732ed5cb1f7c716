package bot_test

import (
	"fmt"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// streakDays turns a pattern, oldest day first ('A' answered, '.' missed), into the question days
// newest first and the answered set, as the store hands them to StreakOf.
func streakDays(pattern string) ([]string, map[string]bool) {
	days := make([]string, len(pattern))
	answered := map[string]bool{}
	for i, c := range pattern {
		day := fmt.Sprintf("2026-%02d-%02d", 1+i/28, 1+i%28)
		days[len(pattern)-1-i] = day
		if c == 'A' {
			answered[day] = true
		}
	}
	return days, answered
}

func TestStreakOf(t *testing.T) {
	tests := []struct {
		name    string
		pattern string // oldest first
		want    bot.StreakState
	}{
		{"no question days", "", bot.StreakState{ToNextFreeze: 5}},
		{"never answered", "...", bot.StreakState{ToNextFreeze: 5}},
		{"four in a row earn nothing yet", "AAAA", bot.StreakState{Length: 4, ToNextFreeze: 1}},
		{"five in a row earn a freeze", "AAAAA", bot.StreakState{Length: 5, Freezes: 1, ToNextFreeze: 5}},
		{"a miss before any freeze breaks it", "AAAA.AA", bot.StreakState{Length: 2, ToNextFreeze: 3}},
		{"a miss spends the freeze and the streak goes on", "AAAAA.AA",
			bot.StreakState{Length: 7, Spent: 1, ToNextFreeze: 3}},
		{"a frozen day does not lengthen the streak", "AAAAA.", bot.StreakState{Length: 5, Spent: 1, ToNextFreeze: 5}},
		{"a second miss with the freeze spent breaks it", "AAAAA..A", bot.StreakState{Length: 1, ToNextFreeze: 4}},
		{"ten in a row bank two", "AAAAAAAAAA", bot.StreakState{Length: 10, Freezes: 2}},
		{"the bank is capped at two", "AAAAAAAAAAAAAAA", bot.StreakState{Length: 15, Freezes: 2}},
		{"two banked cover two misses", "AAAAAAAAAA..A", bot.StreakState{Length: 11, Spent: 2, ToNextFreeze: 4}},
		{"two banked do not cover three", "AAAAAAAAAA...A", bot.StreakState{Length: 1, ToNextFreeze: 4}},
		{"a freeze restarts the count to the next one", "AAAAA.AAAA", bot.StreakState{Length: 9, Spent: 1, ToNextFreeze: 1}},
		{"five more after a freeze earn another", "AAAAA.AAAAA", bot.StreakState{Length: 10, Freezes: 1, Spent: 1, ToNextFreeze: 5}},
		{"earning after spending one of two", "AAAAAAAAAA.AAAAA", bot.StreakState{Length: 15, Freezes: 2, Spent: 1}},
		{"misses before the first answer do not matter", "..AAA", bot.StreakState{Length: 3, ToNextFreeze: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days, answered := streakDays(tt.pattern)
			if got := bot.StreakOf(days, answered); got != tt.want {
				t.Errorf("StreakOf(%q) = %+v, want %+v", tt.pattern, got, tt.want)
			}
			if got := bot.StreakLength(days, answered); got != tt.want.Length {
				t.Errorf("StreakLength(%q) = %d, want %d", tt.pattern, got, tt.want.Length)
			}
		})
	}
}
