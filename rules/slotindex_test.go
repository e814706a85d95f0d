package rules

import "testing"

// TestSlotIndex checks that every built-in matter gets a collision-free table and that it
// agrees with the map: each slot name finds its slot, and no other name finds one.
func TestSlotIndex(t *testing.T) {
	e := mustEngine(t)
	for code, m := range e.matters {
		if m.index == nil {
			t.Errorf("%s: no slot table for %d names", code, len(m.slots))
			continue
		}
		for n, want := range m.slots {
			if got, ok := m.index.lookup(n); !ok || got != want {
				t.Errorf("%s: %s: slot %d, %v; want %d", code, n, got, ok, want)
			}
		}
		for n := range facts.vars {
			if _, in := m.slots[n]; !in {
				if _, ok := m.index.lookup(n); ok {
					t.Errorf("%s: %s found, but has no slot", code, n)
				}
			}
		}
		for _, n := range []string{"", "x", "zz"} {
			if _, ok := m.index.lookup(n); ok {
				t.Errorf("%s: %q found", code, n)
			}
		}
	}
}
