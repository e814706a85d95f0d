// Command cardgen writes synthetic photographs of ID cards and licences with their
// ground truth, for testing the reader:
//
//	go run ./cmd/cardgen --out /tmp/cards --n 8 --seed 1 --conditions clean,blur,perspective
//
// It writes NNNN_kind_condition.jpg and .json per image and DIR/truth.jsonl.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/cardgen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cardgen:", err)
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type options struct {
	out          string
	n            int
	seed         uint64
	conditions   []string
	kinds        []cardgen.Kind
	fontSets     []*cardgen.FontSet
	invalidRate  float64
	invalidKinds []cardgen.Invalid
	rareRate     float64
	rarePool     []rune
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	idx, err := os.Create(filepath.Join(o.out, "truth.jsonl"))
	if err != nil {
		return err
	}
	defer idx.Close()
	enc := json.NewEncoder(idx)
	enc.SetEscapeHTML(false)
	start := time.Now()
	count := 0
	for ci, cond := range o.conditions {
		for j := 0; j < o.n; j++ {
			i := ci*o.n + j
			seed := mix(o.seed, uint64(i))
			spec := cardgen.Spec{
				Kind:      o.kinds[i%len(o.kinds)],
				Condition: cond,
				Fonts:     o.fontSets[(i/len(o.kinds))%len(o.fontSets)],
				Seed:      seed,
			}
			// Per-image choices use their own bits of the seed so that adding a
			// switch does not change the cards generated without it.
			if frac(seed, 1) < o.invalidRate {
				// Only properties this kind prints: a bad VIN on an ID card tests nothing.
				var shown []cardgen.Invalid
				for _, inv := range o.invalidKinds {
					if inv.Shows(spec.Kind) {
						shown = append(shown, inv)
					}
				}
				if len(shown) > 0 {
					spec.Record.Invalid = shown[int(seed>>8%uint64(len(shown)))]
				}
			}
			if frac(seed, 2) < o.rareRate {
				spec.Record.Rare, spec.Record.RarePool = true, o.rarePool
			}
			s, err := cardgen.Generate(spec)
			if err != nil {
				return fmt.Errorf("image %d: %w", i, err)
			}
			name := fmt.Sprintf("%04d_%s_%s", i, spec.Kind, cond)
			if err := s.Write(o.out, name); err != nil {
				return err
			}
			if err := enc.Encode(s.Truth.Line()); err != nil {
				return err
			}
			count++
		}
	}
	if err := idx.Close(); err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "wrote %d images to %s in %s (%.0f ms/image)\n", count, o.out, el.Round(time.Millisecond),
		float64(el.Milliseconds())/float64(max(count, 1)))
	return nil
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fl := flag.NewFlagSet("cardgen", flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("out", "", "output directory (required)")
	n := fl.Int("n", 8, "images per condition; kinds and font sets cycle")
	seed := fl.Uint64("seed", 1, "base seed; the same flags and seed give the same files")
	conds := fl.String("conditions", "clean", "comma-separated conditions: "+strings.Join(cardgen.ConditionNames(), ","))
	kinds := fl.String("kinds", "", "comma-separated kinds (default all)")
	fonts := fl.String("fonts", "noto", "font sets separated by ';', each a name ("+strings.Join(cardgen.FontSetNames(), ", ")+") with optional ,role=path#Family overrides")
	invalid := fl.Float64("invalid", 0, "share of records with one deliberately invalid value")
	invalidKinds := fl.String("invalid-kinds", "", "comma-separated invalid properties to draw from (default all)")
	rare := fl.Float64("rare", 0, "share of names with a rare (level 2/3) character")
	hanzi := fl.String("hanzi", "", "通用规范汉字表 TSV; with --rare, draw rare characters from its levels 2 and 3")
	if err := fl.Parse(args); err != nil {
		return nil, err
	}
	if *out == "" || fl.NArg() > 0 {
		fl.Usage()
		return nil, fmt.Errorf("%w: --out is required and there are no positional arguments", flag.ErrHelp)
	}
	o := &options{out: *out, n: *n, seed: *seed, invalidRate: *invalid, rareRate: *rare}
	o.conditions = strings.Split(*conds, ",")
	for _, c := range o.conditions {
		if c != cardgen.Flat {
			if _, err := cardgen.NewCapture(c, 0); err != nil {
				return nil, err
			}
		}
	}
	o.kinds = cardgen.Kinds
	if *kinds != "" {
		o.kinds = nil
		for _, k := range strings.Split(*kinds, ",") {
			kind, err := cardgen.ParseKind(k)
			if err != nil {
				return nil, err
			}
			o.kinds = append(o.kinds, kind)
		}
	}
	for _, spec := range strings.Split(*fonts, ";") {
		fs, err := cardgen.LoadFontSet(spec)
		if err != nil {
			return nil, err
		}
		o.fontSets = append(o.fontSets, fs)
	}
	o.invalidKinds = cardgen.InvalidKinds
	if *invalidKinds != "" {
		o.invalidKinds = nil
		for _, s := range strings.Split(*invalidKinds, ",") {
			if !validInvalid(cardgen.Invalid(s)) {
				return nil, fmt.Errorf("unknown invalid property %q", s)
			}
			o.invalidKinds = append(o.invalidKinds, cardgen.Invalid(s))
		}
	}
	if *hanzi != "" {
		pool, err := cardgen.LoadHanzi(*hanzi, 2, 3)
		if err != nil {
			return nil, err
		}
		o.rarePool = renderable(pool, o.fontSets)
	}
	return o, nil
}

// renderable keeps the characters every font set can print as a name, so that a
// rare name never falls back to a missing-glyph box.
func renderable(pool []rune, sets []*cardgen.FontSet) []rune {
	var out []rune
	for _, r := range pool {
		ok := true
		for _, fs := range sets {
			if len(fs.Covers(cardgen.RoleIDValue, string(r))) > 0 || len(fs.Covers(cardgen.RoleLicenceValue, string(r))) > 0 {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, r)
		}
	}
	return out
}

func validInvalid(v cardgen.Invalid) bool {
	for _, k := range cardgen.InvalidKinds {
		if k == v {
			return true
		}
	}
	return false
}

// mix derives a well-spread per-image seed (SplitMix64 finaliser).
func mix(seed, i uint64) uint64 {
	z := seed*0x9e3779b97f4a7c15 + i + 1
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// frac maps seed and a salt to a uniform number in [0, 1).
func frac(seed, salt uint64) float64 { return float64(mix(seed, salt)>>11) / (1 << 53) }
