package schedule

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Explaining a bad five-field spec. robfig's errors are written for programmers and name no field
// ("end of range (25) above maximum (23): 25"); an admin typing a schedule in chat needs to know
// which field is wrong and what it takes. fieldProblem reads the spec the way robfig does and
// says what it refused; it runs only after robfig refused the spec, so it never decides what is
// accepted.

// cronField is one of the five fields: its name, its bounds, the names it takes (months, days) and
// what to write instead of a wrong value.
type cronField struct {
	name     string
	min, max int
	names    map[string]int
	instead  string
}

var cronFields = []cronField{
	{"minute", 0, 59, nil, `write a minute from 0 to 59, e.g. "30 9 * * 1-5" for 9:30 on weekdays`},
	{"hour", 0, 23, nil, `write an hour from 0 to 23, e.g. "0 17 * * 1-5" for 17:00 on weekdays`},
	{"day of month", 1, 31, nil, `write a day from 1 to 31, e.g. "0 9 1 * *" for 9:00 on the 1st of each month`},
	{"month", 1, 12, map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12},
		`write a month from 1 to 12 or JAN to DEC, e.g. "0 9 1 1 *" for 9:00 on 1 January`},
	{"day of week", 0, 6, map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6},
		`write a day from 0 to 6 (0 is Sunday) or SUN to SAT, e.g. "0 9 * * 1-5" for 9:00 Monday to Friday`},
}

// descriptors are the @ forms robfig takes besides "@every D".
var descriptors = []string{"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}

// specProblem says what is wrong with a spec robfig refused: an unknown descriptor, or a field.
func specProblem(spec string) string {
	word, rest, _ := strings.Cut(spec, " ")
	if !strings.HasPrefix(word, "@") {
		return fieldProblem(spec)
	}
	lower := strings.ToLower(word)
	switch {
	case lower == "@every":
		// robfig says "unrecognized descriptor" for a bare @every and "failed to parse duration
		// @every …" for a bad one: neither says what a duration looks like. It takes exactly
		// "@every " in lower case, then the interval.
		switch trimmed := strings.TrimSpace(rest); {
		case trimmed == "":
			return `@every needs an interval after it: write "@every 1h", "@every 90m" or "@every 1h30m"`
		case word != lower:
			return fmt.Sprintf("write @every in lower case: %q", "@every "+trimmed)
		case rest != trimmed:
			return fmt.Sprintf("write one space between @every and the interval: %q", "@every "+trimmed)
		}
		if _, err := time.ParseDuration(rest); err != nil {
			return fmt.Sprintf("%q after @every is not an interval: write a number with a unit h, m or s and no spaces, e.g. \"@every 1h\" or \"@every 1h30m\"", rest)
		}
		return ""
	case slices.Contains(descriptors, lower):
		if word != lower && strings.TrimSpace(rest) == "" {
			return fmt.Sprintf("write descriptors in lower case: %q", lower)
		}
		return fmt.Sprintf("%s takes nothing after it: write %q alone, give the time zone separately, and for a time of day use five fields, e.g. \"0 9 * * *\" for 9:00", word, lower)
	}
	return fmt.Sprintf("%s is not a descriptor: use one of %s, or \"@every 1h\"; or five fields, e.g. \"0 9 * * 1-5\"",
		word, strings.Join(descriptors, ", "))
}

// fieldProblem says what is wrong with a spec robfig refused, naming the field and what to write
// instead; "" when it finds nothing it can name (the caller then passes robfig's words on).
func fieldProblem(spec string) string {
	fields := strings.Fields(spec)
	if len(fields) != len(cronFields) {
		why := ""
		if len(fields) == 6 {
			why = " (a first field of seconds is not taken)"
		}
		return fmt.Sprintf("it has %d fields, not five%s; %s", len(fields), why, specHelp)
	}
	for i, f := range cronFields {
		// Empty items ("9,,10") are skipped, as robfig skips them.
		for _, item := range strings.FieldsFunc(fields[i], func(r rune) bool { return r == ',' }) {
			if p := f.itemProblem(item); p != "" {
				return p + "; " + f.instead
			}
		}
	}
	return ""
}

// itemProblem checks one comma-separated item of the field: *, ?, N, N-M, each with an optional /STEP.
func (f cronField) itemProblem(item string) string {
	rng, step, hasStep := strings.Cut(item, "/")
	if strings.Contains(step, "/") {
		return fmt.Sprintf("the %s %q has more than one /", f.name, item)
	}
	if hasStep {
		if n, err := strconv.Atoi(step); err != nil || n < 1 {
			return fmt.Sprintf("the step in the %s %q must be a whole number of 1 or more, e.g. */15", f.name, item)
		}
	}
	lo, hi, isRange := strings.Cut(rng, "-")
	if lo == "*" || lo == "?" {
		return "" // robfig reads "*-5" as "*"
	}
	if n, err := strconv.Atoi(rng); err == nil && n < 0 { // "-1" reads as a range without a start
		return fmt.Sprintf("%s %d is out of range %d–%d", f.name, n, f.min, f.max)
	}
	if strings.Contains(hi, "-") {
		return fmt.Sprintf("the %s %q has more than one - (a range is two values, e.g. 1-5)", f.name, item)
	}
	start, p := f.value(lo, item)
	if p != "" {
		return p
	}
	end := start
	if isRange {
		if end, p = f.value(hi, item); p != "" {
			return p
		}
	}
	switch {
	case start < f.min || start > f.max:
		return fmt.Sprintf("%s %s is out of range %d–%d", f.name, lo, f.min, f.max)
	case end < f.min || end > f.max:
		return fmt.Sprintf("%s %s is out of range %d–%d", f.name, hi, f.min, f.max)
	case start > end:
		return fmt.Sprintf("the %s range %s runs backwards (ranges do not wrap around): %s", f.name, rng, f.wrapped(start, end, step, rng))
	}
	return ""
}

// wrapped says how to write a range that runs backwards, meaning the wrap-around the user had in
// mind ("22-2" is 22:00 to 2:00): two ranges, or * when it covers the whole field. Putting the
// lower end first would name the other part of the field ("2-22"). With a step ("22-2/2") the
// values are listed, counted on across the wrap as the user meant (22,0,2): two stepped ranges
// would each start their count afresh.
func (f cronField) wrapped(start, end int, step, rng string) string {
	if n, err := strconv.Atoi(step); err == nil && n > 1 {
		size := f.max - f.min + 1
		span := ((end-start)%size + size) % size
		var vals []string
		for k := 0; k*n <= span; k++ {
			vals = append(vals, strconv.Itoa(f.min+(start-f.min+k*n)%size))
		}
		return fmt.Sprintf("write the values as a list, %s", strings.Join(vals, ","))
	}
	if end+1 == start {
		return fmt.Sprintf("%s covers every %s, so write *", rng, f.name)
	}
	part := func(lo, hi int) string {
		if lo == hi {
			return strconv.Itoa(lo)
		}
		return fmt.Sprintf("%d-%d", lo, hi)
	}
	return fmt.Sprintf("write it as two ranges, %s,%s", part(start, f.max), part(f.min, end))
}

// value reads one end of a range: a number, or one of the field's names in any case.
func (f cronField) value(s, item string) (int, string) {
	if n, ok := f.names[strings.ToLower(s)]; ok {
		return n, ""
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		what := "a number"
		if f.names != nil {
			what = "a number or a name such as " + strings.ToUpper(firstName(f.names))
		}
		if s == "" {
			return 0, fmt.Sprintf("the %s %q is missing a value: each end of a range is %s", f.name, item, what)
		}
		return 0, fmt.Sprintf("the %s %q is not %s", f.name, s, what)
	}
	return n, ""
}

// firstName is the field's name for its lowest value (JAN, SUN), for an example.
func firstName(names map[string]int) string {
	best, bestN := "", 1<<30
	for name, n := range names {
		if n < bestN {
			best, bestN = name, n
		}
	}
	return best
}
