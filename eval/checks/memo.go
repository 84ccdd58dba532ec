package checks

import "sync"

// memo keeps what a profile and brief parse into, keyed by their text: the
// checks run on every post of a request and on every edit, and parsing the
// profile (regexes over a couple of kilobytes) costs more than checking
// the caption. Values are read-only once stored. When full it starts over:
// a server checks few businesses at a time.
type memo[V any] struct {
	mu  sync.Mutex
	max int
	m   map[string]V
}

func newMemo[V any](max int) *memo[V] {
	return &memo[V]{max: max, m: map[string]V{}}
}

func (c *memo[V]) get(key string, make func() V) V {
	c.mu.Lock()
	v, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = make()
	c.mu.Lock()
	if len(c.m) >= c.max {
		c.m = map[string]V{}
	}
	c.m[key] = v
	c.mu.Unlock()
	return v
}
