// Package scheduler runs jobs at the slots of their timetables, exactly once across restarts and
// processes. It knows slots, claims, leases, grace and catch-up, the next wake and the run loop; what
// a job does when its slot comes is the game's (package bot), reached through the Game interface. It
// imports only the standard library; cron specs are parsed elsewhere (package schedule) into a
// Timetable.
//
// # How exactly-once works
//
// Every firing of a job is a slot: (channel, job, local wall-clock time in the job's zone). Before
// anything is posted the slot is claimed in the store with an INSERT that only one process can win
// (UNIQUE (channel_id, job, slot)). So:
//   - a restart never posts a slot twice: the claim is still there;
//   - the fall-back hour's two 01:30s are one wall-clock time, one key, one post;
//   - a time in the spring-forward gap is still a slot, due just after the gap (see instantOf);
//   - two processes on one database: one wins the insert, the other skips the slot;
//   - after downtime, a slot at most Grace old is posted late (Due.Late); an older one is recorded
//     as skipped and logged once.
//
// A crash between the claim and the post leaves the claim in state "claimed". Once it is older than
// Lease (and the slot is still within Grace) the next tick, in this process after a restart or in
// another one, takes it over with a conditional UPDATE and runs it again, late. The claim records the
// post it created before sending it (Claim.PostID), so a retry whose post already reached the
// platform is not posted again: the game checks. The one window left is a platform that accepted the
// post while the process died before recording the reference: that slot is posted twice. This is the
// chosen trade-off: a slot is never silently lost, at the price of a rare duplicate after a crash at
// exactly that moment.
package scheduler
