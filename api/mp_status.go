package api

import (
	"context"
	"sync"
)

// caseVersions is what a case store offers for cheap polling: a case's version, which grows
// with every change to the case, without reading its sealed data. ENOTFOUND for no such case.
type caseVersions interface {
	CaseVersion(ctx context.Context, id string) (int, error)
}

// maxStatusCached bounds the status cache: a few kilobytes per case, for the cases being
// polled right now.
const maxStatusCached = 10_000

// statusCache holds the rendered status of a case at one version. A case's response depends
// only on the case at that version (and on the rule sets, fixed while serving), so an entry
// for the version the database reports is current.
type statusCache struct {
	mu sync.Mutex
	m  map[string]cachedStatus
}

type cachedStatus struct {
	version int
	body    []byte
}

func (sc *statusCache) get(id string, version int) ([]byte, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	e, ok := sc.m[id]
	if !ok || e.version != version {
		return nil, false
	}
	return e.body, true
}

func (sc *statusCache) put(id string, version int, body []byte) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.m == nil || len(sc.m) >= maxStatusCached {
		sc.m = make(map[string]cachedStatus)
	}
	sc.m[id] = cachedStatus{version: version, body: body}
}
