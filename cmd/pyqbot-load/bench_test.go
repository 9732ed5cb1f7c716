package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pyqbot/pyqbot/adapters/slack"
)

// BenchmarkSlashServer is the server's side of a signed `/pyq answer` slash command, pyqbot's and
// the floor's in one run, without the network or the load generator: the request goes straight
// to the handler the load command's server serves, 150 in flight on GOMAXPROCS CPUs (as the load
// command sends them), each from a new user. Its ns/op is the time per answer a burst takes to
// drain, which is what sets the load command's p99, and a CPU profile of it (-cpuprofile) is
// the handler's alone.
func BenchmarkSlashServer(b *testing.B) {
	dir := b.TempDir()
	p, err := startPyqbot(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.stop)
	fl, err := startFloor(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(fl.stop)
	var runs atomic.Int64 // a new user for every answer, across the benchmark's calls
	for _, target := range []struct {
		name    string
		handler http.Handler
		request func(user string) *http.Request
	}{
		{"pyqbot", p.handler, func(u string) *http.Request {
			return slashRequest(p.base+slack.PathCommands, p.fake.responseURL(u), u, "answer "+p.slackPost.ShortRef()+" "+p.key)
		}},
		{"floor", fl.handler, func(u string) *http.Request { return slashRequest(fl.base+"/slack", "", u, "answer #1 A") }},
	} {
		b.Run(target.name, func(b *testing.B) {
			run := runs.Add(1)
			reqs := make([]*http.Request, b.N) // signed before the clock starts: the generator's work
			for i := range reqs {
				reqs[i] = target.request(fmt.Sprintf("UB%d_%d", run, i))
			}
			var next atomic.Int64
			commits, refreshes := p.store.AnswerCommits(), p.fake.userInfos.Load()
			b.ReportAllocs()
			b.SetParallelism(max(1, 150/runtime.GOMAXPROCS(0))) // goroutines per CPU
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rec := httptest.NewRecorder()
					target.handler.ServeHTTP(rec, reqs[next.Add(1)-1])
					if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Recorded your answer") {
						b.Errorf("%s: %d %q", target.name, rec.Code, rec.Body.String())
					}
				}
			})
			b.StopTimer()
			if target.name == "pyqbot" {
				// How well the burst's answers shared commits, and how many users.info refreshes
				// (each answer is a new user's) ran inside it rather than after it.
				b.ReportMetric(float64(b.N)/float64(p.store.AnswerCommits()-commits), "answers/commit")
				b.ReportMetric(float64(p.fake.userInfos.Load()-refreshes)/float64(b.N), "refreshes-in-burst/answer")
			}
			p.idle() // the footer edits this burst left are no other run's
			settle() // nor its name refreshes, which follow the burst
		})
	}
}
