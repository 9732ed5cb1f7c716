package bot

import (
	"context"
	"sync"
)

// ChannelLocker is a store that serialises a channel's posting, revealing and footer edits across
// the processes sharing it (several replicas on one database). The engine takes its in-process
// lock first, so one process holds at most one lease per channel, then this. unlock must be called
// once; it releases the lease even when ctx has ended.
type ChannelLocker interface {
	LockChannel(ctx context.Context, channelID int64) (unlock func(), err error)
}

// lockChannel takes the channel's lock: the in-process mutex, then the store's lease when the store
// has one. Without the lease two replicas could each see "nothing open" and each post a question,
// or edit a footer over the closed version another replica's reveal just put in place.
func (e *Engine) lockChannel(ctx context.Context, id int64) (func(), error) {
	m := e.channelLock(id)
	m.Lock()
	l, ok := e.store.(ChannelLocker)
	if !ok {
		return m.Unlock, nil
	}
	release, err := l.LockChannel(ctx, id)
	if err != nil {
		m.Unlock()
		return nil, err
	}
	var once sync.Once
	return func() { once.Do(func() { release(); m.Unlock() }) }, nil
}
