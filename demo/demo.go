// Package demo is the data a newcomer's `xiaozhi serve --demo` runs on: registry records
// (data/*.json, in the format of `xiaozhi registry import`) and photographs of the matching
// synthetic ID cards (cards/*.jpg), both made by `go run ./demo/gen --out demo`.
//
// Other features drop their own demo records into data/; every file there is imported.
package demo

import (
	"bytes"
	"embed"
	"fmt"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

//go:embed data/*.json
var data embed.FS

//go:embed cards/*.jpg
var cards embed.FS

// People names the demo applicants, whose cards are cards/NAME_front.jpg and NAME_back.jpg.
// With the demo registry, 驾驶证损毁换证 is approved for Approve and escalated for Escalate
// (two reissues within twelve months).
const (
	Approve  = "approve"
	Escalate = "escalate"
)

// RegistryFile is one file of demo registry records.
type RegistryFile struct {
	Name string
	Data []byte
}

// Registry returns the demo registry files in name order.
func Registry() ([]RegistryFile, error) {
	names, err := fs.Glob(data, "data/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]RegistryFile, 0, len(names))
	for _, n := range names {
		b, err := data.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, RegistryFile{Name: filepath.Base(n), Data: b})
	}
	return out, nil
}

// Card returns the photograph of one side ("front" or "back") of a person's ID card.
func Card(person, side string) ([]byte, error) {
	return cards.ReadFile(fmt.Sprintf("cards/%s_%s.jpg", person, side))
}

// framesPerSide at the camera's 15 frames a second holds each side still for 1.6 s, long
// enough for auto-capture (four still frames) wherever in the loop a capture starts.
const framesPerSide = 24

// WriteCameraLoop writes into dir a recording for a file-source camera: the person's card
// lying still front up, then back up, over and over. Consecutive frames alternate between
// two encodings of the same photograph, so that they are still without being bit-identical,
// which the camera's watchdog would take for a frozen stream.
func WriteCameraLoop(dir, person string) error {
	i := 0
	for _, side := range []string{"front", "back"} {
		a, err := Card(person, side)
		if err != nil {
			return err
		}
		img, err := jpeg.Decode(bytes.NewReader(a))
		if err != nil {
			return fmt.Errorf("demo card %s %s: %w", person, side, err)
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 84}); err != nil {
			return err
		}
		variants := [2]string{filepath.Join(dir, side+"_a.jpeg"), filepath.Join(dir, side+"_b.jpeg")}
		if err := os.WriteFile(variants[0], a, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(variants[1], b.Bytes(), 0o644); err != nil {
			return err
		}
		for j := 0; j < framesPerSide; j++ {
			if err := link(variants[j%2], filepath.Join(dir, fmt.Sprintf("frame_%04d.jpg", i))); err != nil {
				return err
			}
			i++
		}
		// The variants themselves must not be frames: the camera reads every image file.
		for _, v := range variants {
			if err := os.Rename(v, v+".src"); err != nil {
				return err
			}
		}
	}
	return nil
}

// link hard-links (the camera reads regular files only), copying where links fail.
func link(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}
