package cardgen

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/image/font/sfnt"
)

// parseMembers parses the fonts of a .ttf/.otf/.ttc file, stopping at the first for
// which keep returns true. x/image/font/sfnt rejects tables that do not start on a
// 4-byte boundary (golang/go#46384), which wqy-zenhei.ttc and uming.ttc have; such
// members are copied into a standalone font with aligned tables and parsed from there.
func parseMembers(data []byte, keep func(*sfnt.Font) bool) (*sfnt.Font, error) {
	offsets := []uint32{0}
	if len(data) >= 12 && string(data[:4]) == "ttcf" {
		n := binary.BigEndian.Uint32(data[8:])
		if n == 0 || n > 64 || len(data) < 12+4*int(n) {
			return nil, errors.New("bad collection header")
		}
		offsets = make([]uint32, n)
		for i := range offsets {
			offsets[i] = binary.BigEndian.Uint32(data[12+4*i:])
		}
	}
	coll, collErr := sfnt.ParseCollection(data)
	for i, off := range offsets {
		var f *sfnt.Font
		err := collErr
		if err == nil {
			f, err = coll.Font(i)
		}
		if err != nil {
			aligned, aerr := alignTables(data, int(off))
			if aerr != nil {
				return nil, fmt.Errorf("member %d: %w", i, aerr)
			}
			if f, err = sfnt.Parse(aligned); err != nil {
				return nil, fmt.Errorf("member %d: %w", i, err)
			}
		}
		if keep(f) {
			return f, nil
		}
	}
	return nil, nil
}

// alignTables returns the font whose offset table starts at off in data, as a
// standalone font file. If its tables are already aligned and it is the whole file,
// data itself is returned.
func alignTables(data []byte, off int) ([]byte, error) {
	if off+12 > len(data) {
		return nil, errors.New("offset table out of range")
	}
	n := int(binary.BigEndian.Uint16(data[off+4:]))
	dir := off + 12
	if dir+16*n > len(data) {
		return nil, errors.New("table directory out of range")
	}
	aligned := off == 0
	size := 12 + 16*n
	for i := 0; i < n; i++ {
		rec := data[dir+16*i:]
		to, tl := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(to)+uint64(tl) > uint64(len(data)) {
			return nil, fmt.Errorf("table %q out of range", rec[:4])
		}
		if to%4 != 0 {
			aligned = false
		}
		size += (int(tl) + 3) &^ 3
	}
	if aligned {
		return data, nil
	}
	out := make([]byte, 12+16*n, size)
	copy(out, data[off:off+12+16*n])
	for i := 0; i < n; i++ {
		rec := out[12+16*i:]
		to, tl := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		out = append(out, data[to:to+tl]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out, nil
}
