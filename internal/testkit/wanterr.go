package testkit

import (
	"strings"
	"testing"
)

// WantError checks the error of one table row. With no fragments the row wants no error, and one
// stops the test; with fragments it wants an error that contains each (the messages name the key
// and the way out, which is what those rows test). It returns whether the row wanted an error, so
// that a table test checks its result only on a row that did not:
//
//	if testkit.WantError(t, err, tt.wantErr...) {
//		return
//	}
//	tt.check(t, got)
func WantError(t testing.TB, err error, fragments ...string) (wanted bool) {
	t.Helper()
	if len(fragments) == 0 {
		if err != nil {
			t.Fatal(err)
		}
		return false
	}
	if err == nil {
		t.Fatalf("no error, want one containing %q", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q lacks %q", err, f)
		}
	}
	return true
}
