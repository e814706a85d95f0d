package kiosk

import "sync"

// Feed fans case events out to the screens and consoles that watch them, within one process.
// Publishing never blocks: a subscriber whose buffer is full is dropped (its channel closed),
// and catches up from the database when it comes back (CaseStore.EventsAfter). Events from
// other replicas reach a process's Feed through the store's notifications.
type Feed struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
	// recent remembers the last published sequence numbers: with PostgreSQL an event this
	// process published comes back through LISTEN/NOTIFY and must not be delivered twice.
	recent     map[int64]struct{}
	recentRing []int64
	recentNext int
}

// feedMemory is how many recent events the Feed remembers to drop repeats.
const feedMemory = 4096

// NewFeed returns an empty Feed.
func NewFeed() *Feed { return &Feed{subs: map[*Subscription]struct{}{}} }

// Subscription receives the events its filter accepts on C until it is closed, either by
// Close or because it fell behind (then Dropped reports true).
type Subscription struct {
	C       <-chan Event
	c       chan Event
	filter  func(Event) bool
	feed    *Feed
	dropped bool
}

// Subscribe registers a subscriber with a buffer of buf events; filter nil accepts all.
func (f *Feed) Subscribe(filter func(Event) bool, buf int) *Subscription {
	c := make(chan Event, buf)
	s := &Subscription{C: c, c: c, filter: filter, feed: f}
	f.mu.Lock()
	f.subs[s] = struct{}{}
	f.mu.Unlock()
	return s
}

// Publish delivers ev to every subscriber that accepts it, dropping those that are full.
// An event whose Seq was published recently is a repeat and is dropped.
func (f *Feed) Publish(ev Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ev.Seq > 0 && !f.remember(ev.Seq) {
		return
	}
	for s := range f.subs {
		if s.filter != nil && !s.filter(ev) {
			continue
		}
		select {
		case s.c <- ev:
		default:
			s.dropped = true
			delete(f.subs, s)
			close(s.c)
		}
	}
}

// Close unsubscribes; C is closed. Closing twice is harmless.
func (s *Subscription) Close() {
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	if _, ok := s.feed.subs[s]; ok {
		delete(s.feed.subs, s)
		close(s.c)
	}
}

// Dropped reports whether the subscription was closed for falling behind.
func (s *Subscription) Dropped() bool {
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	return s.dropped
}

// Subscribers returns how many subscriptions are open, for metrics and leak tests.
func (f *Feed) Subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// remember records seq and reports whether it is new; the oldest is forgotten when full.
func (f *Feed) remember(seq int64) bool {
	if _, seen := f.recent[seq]; seen {
		return false
	}
	if f.recent == nil {
		f.recent, f.recentRing = map[int64]struct{}{}, make([]int64, feedMemory)
	}
	if old := f.recentRing[f.recentNext]; old != 0 {
		delete(f.recent, old)
	}
	f.recent[seq], f.recentRing[f.recentNext] = struct{}{}, seq
	f.recentNext = (f.recentNext + 1) % feedMemory
	return true
}
