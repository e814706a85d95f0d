package rules

// Every name an expression reads is looked up once per read, a few hundred times per decision,
// and a Go map spent more on hashing the ~30-byte dotted names than the comparisons that read
// them. The names of a matter are fixed when it loads, so a table without collisions is found
// then: a name's position comes from its length and four of its bytes, and one string
// comparison confirms it (the interpreter passes the same string each time, so that comparison
// usually stops at the pointer).

// slotIndex maps the names of one matter to their slots.
type slotIndex struct {
	mul   uint64
	shift uint
	names []string // by table position; "" where no name hashes
	slots []int
}

// maxSlotTable bounds the table: beyond it, lookup falls back to the map.
const maxSlotTable = 1 << 12

// newSlotIndex builds a collision-free table for slots, or returns nil if none is found within
// maxSlotTable entries, and then the caller keeps using the map.
func newSlotIndex(slots map[string]int) *slotIndex {
	size := 1
	for size < 2*len(slots) {
		size <<= 1
	}
	for ; size <= maxSlotTable; size <<= 1 {
		bits := uint(0)
		for 1<<bits < size {
			bits++
		}
		seed := uint64(0x9E3779B97F4A7C15)
		for try := 0; try < 200; try++ {
			seed = seed*6364136223846793005 + 1442695040888963407
			x := &slotIndex{mul: seed | 1, shift: 64 - bits, names: make([]string, size), slots: make([]int, size)}
			if bits == 0 {
				x.shift = 63 // a single entry: every name lands on position 0 or 1
				x.names, x.slots = make([]string, 2), make([]int, 2)
			}
			if x.fill(slots) {
				return x
			}
		}
	}
	return nil
}

// fill places every name; it reports false on a collision.
func (x *slotIndex) fill(slots map[string]int) bool {
	for n, i := range slots {
		p := x.pos(n)
		if x.names[p] != "" || n == "" {
			return false
		}
		x.names[p], x.slots[p] = n, i
	}
	return true
}

// pos is the table position of name.
func (x *slotIndex) pos(name string) uint64 {
	n := len(name)
	k := uint64(n)
	if n > 0 {
		k |= uint64(name[n-1])<<8 | uint64(name[n/2])<<16 | uint64(name[n/3])<<24 | uint64(name[2*n/3])<<32
		if n > 1 {
			k |= uint64(name[n-2]) << 40
		}
	}
	return (k * x.mul) >> x.shift
}

// lookup returns the slot of name.
func (x *slotIndex) lookup(name string) (int, bool) {
	p := x.pos(name)
	if x.names[p] != name || name == "" { // "" marks a free position
		return 0, false
	}
	return x.slots[p], true
}

// slotOf returns the slot of name in m.
func (m *matter) slotOf(name string) (int, bool) {
	if m.index != nil {
		return m.index.lookup(name)
	}
	i, ok := m.slots[name]
	return i, ok
}
