package tenant

import "sync/atomic"

// memoCounters count what a Memo answered; padded so that the adds of
// every request share a cache line neither with the lock before them nor
// with the counts of changes after them, which every page view reads
// (Changes, HostRef).
type memoCounters struct {
	_                           [64]byte
	hits, misses, invalidations atomic.Uint64
	_                           [64 - 24]byte
}

// MemoStats is what a Memo answered since it was made: Gets answered
// from the cache (found or a remembered "not found"), Gets that loaded or
// waited for a load, and Forgets and ForgetAlls.
type MemoStats struct{ Hits, Misses, Invalidations uint64 }

// Stats returns the Memo's counts so far.
func (m *Memo[K, V]) Stats() MemoStats {
	return MemoStats{Hits: m.stats.hits.Load(), Misses: m.stats.misses.Load(), Invalidations: m.stats.invalidations.Load()}
}
