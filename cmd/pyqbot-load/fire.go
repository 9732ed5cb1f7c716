package main

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// shot is one request's outcome.
type shot struct {
	sent   time.Time
	ack    time.Duration // send until the whole response was read
	status int
	body   string
	err    error
}

// fire sends n requests built by req, c at a time.
func fire(client *http.Client, n, c int, req func(i int) *http.Request) []shot {
	out := make([]shot, n)
	sem := make(chan struct{}, c)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			r := req(i)
			s := shot{sent: time.Now()}
			resp, err := client.Do(r)
			if err == nil {
				var body []byte
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
				s.status, s.body = resp.StatusCode, string(body)
			}
			s.ack, s.err = time.Since(s.sent), err
			out[i] = s
		})
	}
	wg.Wait()
	return out
}

// stats are the latencies of one kind of request against one target, over all its rounds.
type stats struct {
	acks, confirms []time.Duration
	errors         int
	cpu            time.Duration // process CPU over the rounds, until each settled
	done           int           // how many acks the rounds before this one gave (for -v)
}

// verbose (-v) prints each round's p99s: which round made a run's tail.
var verbose bool

// roundDone ends a round; with -v it prints the round's p99s under name.
func (s *stats) roundDone(name string) {
	if verbose {
		round := &stats{acks: s.acks[s.done:], confirms: s.confirms[min(s.done, len(s.confirms)):]}
		r := func(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
		fmt.Printf("  %s: ack p99=%s confirmation p99=%s\n", name, r(round.p(round.acks, .99)), r(round.p(round.confirms, .99)))
	}
	s.done = len(s.acks)
}

// cpuPer is the process CPU per request: the target's work and the load generator's.
func (s *stats) cpuPer() time.Duration {
	if len(s.acks)+s.errors == 0 {
		return 0
	}
	return s.cpu / time.Duration(len(s.acks)+s.errors)
}

func (s *stats) p(which []time.Duration, q float64) time.Duration {
	if len(which) == 0 {
		return 0
	}
	v := slices.Clone(which)
	slices.Sort(v)
	return v[min(len(v)-1, int(q*float64(len(v))))]
}

func (s *stats) line(name string) string {
	r := func(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
	return fmt.Sprintf("%-26s n=%-5d errors=%-3d ack p50=%-8s p99=%-8s max=%-8s confirmation p50=%-8s p99=%-8s max=%-8s cpu/request=%s",
		name, len(s.acks), s.errors, r(s.p(s.acks, .5)), r(s.p(s.acks, .99)), r(s.p(s.acks, 1)),
		r(s.p(s.confirms, .5)), r(s.p(s.confirms, .99)), r(s.p(s.confirms, 1)), s.cpuPer().Round(time.Microsecond))
}
