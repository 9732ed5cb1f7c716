package testkit_test

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/pyqbot/pyqbot/internal/testkit"
)

// reportTB records what an assertion helper reports instead of failing the test that runs it;
// Fatal and Fatalf end the goroutine, as testing.T's do.
type reportTB struct {
	testing.TB
	reports []string
	fatal   bool
}

func (r *reportTB) Helper()                   {}
func (r *reportTB) Errorf(f string, a ...any) { r.reports = append(r.reports, fmt.Sprintf(f, a...)) }
func (r *reportTB) Fatal(a ...any)            { r.reports = append(r.reports, fmt.Sprint(a...)); r.stop() }
func (r *reportTB) Fatalf(f string, a ...any) { r.Errorf(f, a...); r.stop() }
func (r *reportTB) stop()                     { r.fatal = true; runtime.Goexit() }

// WantError is the check behind table tests' error rows, so it must fail where they should: a row
// that passed whatever the error said would let a wrong message through unnoticed.
func TestWantErrorFailsWhereTheRowDoes(t *testing.T) {
	t.Parallel()
	bad := errors.New("pyqbot.toml: [slack] mode must be \"socket\" or \"http\"")
	for _, tt := range []struct {
		name      string
		err       error
		fragments []string
		wanted    bool     // what WantError returns, when it returns
		fatal     bool     // it stopped the test
		reports   []string // what it reported
	}{
		{name: "no error wanted, none", wanted: false},
		{name: "no error wanted, one", err: bad, fatal: true, reports: []string{bad.Error()}},
		{name: "an error wanted, none", fragments: []string{"[slack] mode"}, fatal: true,
			reports: []string{`no error, want one containing ["[slack] mode"]`}},
		{name: "an error with every fragment", err: bad, fragments: []string{"[slack] mode", `"http"`}, wanted: true},
		{name: "an error lacking one", err: bad, fragments: []string{"[slack] mode", "api_url"}, wanted: true,
			reports: []string{fmt.Sprintf("error %q lacks %q", bad, "api_url")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &reportTB{TB: t}
			var wanted bool
			done := make(chan struct{})
			go func() {
				defer close(done)
				wanted = testkit.WantError(r, tt.err, tt.fragments...)
			}()
			<-done
			if r.fatal != tt.fatal || !slices.Equal(r.reports, tt.reports) || !r.fatal && wanted != tt.wanted {
				t.Errorf("WantError(%v, %q): wanted %v, fatal %v, reports %q; want %v, %v, %q",
					tt.err, tt.fragments, wanted, r.fatal, r.reports, tt.wanted, tt.fatal, tt.reports)
			}
		})
	}
}
