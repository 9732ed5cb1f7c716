package bot

// How streaks stay fair
//
// A streak counts the question days (days the workspace had a revealed question) a user answered in
// a row; days without a question never break it. A missed question day ends a streak only when
// there is no freeze to spend: every FreezeEvery question days answered in a row earn one, at most
// MaxFreezes banked, and a missed question day spends one automatically. A frozen day keeps the
// streak going but does not lengthen it, and it restarts the count towards the next freeze, so a
// freeze is earned by answering, never by being away. The scoring bonus and `/pyq me` use this one
// rule (StreakOf), so what a user is told is what they are scored on.

const (
	FreezeEvery = 5 // question days answered in a row that earn a freeze
	MaxFreezes  = 2 // freezes a user can bank
)

// StreakState is where a user's streak stands after their latest question day.
type StreakState struct {
	Length  int // question days answered in the current streak; frozen days do not add to it
	Freezes int // banked, 0..MaxFreezes
	Spent   int // freezes spent during the current streak
	// ToNextFreeze is how many more question days answered in a row earn the next freeze; 0 when
	// the bank is full (answering then earns nothing until a freeze is spent).
	ToNextFreeze int
}

// StreakOf applies the streak rule to the workspace's question days (newest first, as the store
// lists them) and the days the user answered. It is pure, so the rule is table-tested on its own.
func StreakOf(questionDays []string, answered map[string]bool) StreakState {
	var s StreakState
	run := 0 // answered in a row since the last missed day: what earns freezes
	for i := len(questionDays) - 1; i >= 0; i-- {
		switch day := questionDays[i]; {
		case answered[day]:
			s.Length++
			run++
			if run%FreezeEvery == 0 && s.Freezes < MaxFreezes {
				s.Freezes++
			}
		case s.Freezes > 0:
			s.Freezes--
			s.Spent++
			run = 0
		default:
			s = StreakState{}
			run = 0
		}
	}
	if s.Freezes < MaxFreezes {
		s.ToNextFreeze = FreezeEvery - run%FreezeEvery
	}
	return s
}

// StreakLength is the length of the user's current streak under the freeze rule; see StreakOf.
// questionDays is newest first; answered holds the days the user answered.
func StreakLength(questionDays []string, answered map[string]bool) int {
	return StreakOf(questionDays, answered).Length
}
