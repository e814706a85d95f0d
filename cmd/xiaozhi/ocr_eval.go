package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph"
)

// truthLine is one line of truth.jsonl. Condition is optional and groups images for the
// per-condition figures ("clean", "blur", …); images without one count as "all".
type truthLine struct {
	File      string            `json:"file"`
	Kind      kiosk.DocKind     `json:"kind"`
	Fields    map[string]string `json:"fields"`
	Flags     []string          `json:"flags"`
	Condition string            `json:"condition"`
}

// retakeFlags are the quality flags on which the kiosk asks for another photo instead of
// reading (CARDS.md §5); images expected to carry one are scored apart.
var retakeFlags = []string{"blurred", "glare", "too_dark", "cropped", "too_small"}

func (t truthLine) retake() bool {
	for _, f := range t.Flags {
		if slices.Contains(retakeFlags, f) {
			return true
		}
	}
	return false
}

// nameKeys are the fields holding a personal name.
var nameKeys = []string{"name", "owner"}

// tally counts exact matches.
type tally struct{ ok, n int }

func (t *tally) add(ok bool) {
	t.n++
	if ok {
		t.ok++
	}
}

func (t tally) String() string {
	if t.n == 0 {
		return "     -"
	}
	return fmt.Sprintf("%6.2f%% (%d/%d)", 100*float64(t.ok)/float64(t.n), t.ok, t.n)
}

// confidentBelow is the confidence under which a wrong value is acceptable: it will be shown
// for confirmation or escalated rather than trusted.
const confidentBelow = 0.80

// runOCREval measures the reader on a directory of images with ground truth, and a plain
// whole-image Tesseract read of the same images for comparison.
//
// The reference sets are generated with cardgen on the held-out fonts (never tuned on), 16
// images per condition with the four kinds cycling; the same flags and seed give the same files:
//
//	go run ./cmd/cardgen --out /tmp/ocrwork/eval --fonts heldout --seed 7001 --n 16 \
//	    --conditions clean,perspective,rotate180,blur,noise,jpeg_low,low_light,degraded
//	go run ./cmd/cardgen --out /tmp/ocrwork/rare --fonts heldout --seed 7002 --n 16 \
//	    --conditions clean,degraded --rare 1 --hanzi /work/shared/data/tongyong-guifan-hanzi-8105.tsv
//	OMP_THREAD_LIMIT=1 xiaozhi ocr-eval -v /tmp/ocrwork/eval
//
// Tuning (thresholds, arbitration confidences) uses --fonts 'noto;wqy' and another seed.
//
// The baseline counts a field as found when its exact ground-truth value occurs in the
// whole-image text with all white space removed; it has no notion of which field a text
// belongs to, so this is generous to it, except for values the card prints in another form
// (dates printed as 1985年3月12日 or 2015.02.18 are never found).
func runOCREval(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("ocr-eval", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	auto := fs.Bool("auto", false, "ask the reader to decide the kind instead of passing the true one")
	baseline := fs.Bool("baseline", true, "also run the whole-image Tesseract baseline")
	limit := fs.Int("limit", 0, "read at most this many images (0: all)")
	verbose := fs.Bool("v", false, "print every wrong field")
	var o ocrFlags
	o.register(fs, e)
	fs.Usage = func() {
		fmt.Fprintln(e.Stderr, "Usage: xiaozhi ocr-eval [options] DIR   (DIR holds images and truth.jsonl)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	dir := fs.Arg(0)
	truth, err := loadTruth(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		return err
	}
	if *limit > 0 && len(truth) > *limit {
		truth = truth[:*limit]
	}
	r, err := o.reader()
	if err != nil {
		return fmt.Errorf("start reader: %w", err)
	}
	defer r.Close()
	var base *ocr.Baseline
	if *baseline {
		if base, err = ocr.NewBaseline(o.tessdata); err != nil {
			return fmt.Errorf("start baseline: %w", err)
		}
		defer base.Close()
	}

	var s evalStats
	s.init()
	s.auto = *auto
	for _, t := range truth {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := os.ReadFile(filepath.Join(dir, t.File))
		if err != nil {
			return err
		}
		k := t.Kind
		if *auto {
			k = kiosk.KindAuto
		}
		start := time.Now()
		doc, err := r.Read(ctx, data, k)
		s.times[t.Kind] = append(s.times[t.Kind], time.Since(start))
		if err != nil {
			fmt.Fprintf(e.Stderr, "%s: %v\n", t.File, err)
		}
		s.score(t, doc, e.Stdout, *verbose)
		if base != nil {
			start := time.Now()
			text, err := base.Text(data)
			s.baseTimes = append(s.baseTimes, time.Since(start))
			if err != nil {
				fmt.Fprintf(e.Stderr, "%s: baseline: %v\n", t.File, err)
			}
			s.scoreBaseline(t, compact(text))
		}
	}
	s.print(e.Stdout, base != nil)
	return nil
}

func loadTruth(path string) ([]truthLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []truthLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var t truthLine
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if t.Condition == "" {
			t.Condition = "all"
		}
		out = append(out, t)
	}
	return out, sc.Err()
}

type evalStats struct {
	field          map[kiosk.DocKind]map[string]*tally
	kind, cond     map[string]*tally
	condKept       map[string]*tally // by condition, photos on which no retake flag is expected
	baseKind       map[string]*tally
	baseCond       map[string]*tally
	overall, baseO tally
	kindOK         tally
	auto           bool            // the reader decided the kind (otherwise it was told, and kindOK says nothing)
	retake         map[bool]*tally // by whether a retake flag is expected
	rareNames      tally           // names holding a level-2/3 character of the 通用规范汉字表
	wrong          int
	confidentWrong int
	confidentRight int // right fields that need no person to confirm them
	levels         *glyph.Recognizer
	times          map[kiosk.DocKind][]time.Duration
	baseTimes      []time.Duration
}

func (s *evalStats) init() {
	s.field = map[kiosk.DocKind]map[string]*tally{}
	s.kind, s.cond = map[string]*tally{}, map[string]*tally{}
	s.condKept = map[string]*tally{}
	s.baseKind, s.baseCond = map[string]*tally{}, map[string]*tally{}
	s.times = map[kiosk.DocKind][]time.Duration{}
	s.retake = map[bool]*tally{false: {}, true: {}}
	s.levels, _ = glyph.Default()
}

// rare reports whether s holds a character of level 2 or 3 of the 通用规范汉字表.
func (s *evalStats) rare(v string) bool {
	if s.levels == nil {
		return false
	}
	for _, r := range v {
		if s.levels.Level(r) >= 2 {
			return true
		}
	}
	return false
}

func get(m map[string]*tally, k string) *tally {
	if m[k] == nil {
		m[k] = &tally{}
	}
	return m[k]
}

func (s *evalStats) score(t truthLine, doc kiosk.Document, w io.Writer, verbose bool) {
	if s.field[t.Kind] == nil {
		s.field[t.Kind] = map[string]*tally{}
	}
	s.kindOK.add(doc.Kind == t.Kind)
	for key, want := range t.Fields {
		got, conf := doc.Fields[key], doc.Confidence[key]
		ok := got == want
		get(s.field[t.Kind], key).add(ok)
		get(s.kind, string(t.Kind)).add(ok)
		get(s.cond, t.Condition).add(ok)
		s.overall.add(ok)
		s.retake[t.retake()].add(ok)
		if !t.retake() {
			get(s.condKept, t.Condition).add(ok)
		}
		if slices.Contains(nameKeys, key) && s.rare(want) {
			s.rareNames.add(ok)
		}
		if !ok {
			s.wrong++
		}
		if ok && conf >= confidentBelow {
			s.confidentRight++
		}
		if !ok && conf >= confidentBelow {
			s.confidentWrong++
		}
		if !ok && verbose {
			fmt.Fprintf(w, "wrong %s %s %s: %q (%.2f) want %q flags %v\n", t.File, t.Condition, key, got, conf, want, doc.Flags)
		}
	}
}

func (s *evalStats) scoreBaseline(t truthLine, text string) {
	for _, want := range t.Fields {
		ok := want != "" && strings.Contains(text, compact(want))
		get(s.baseKind, string(t.Kind)).add(ok)
		get(s.baseCond, t.Condition).add(ok)
		s.baseO.add(ok)
	}
}

func (s *evalStats) print(w io.Writer, withBase bool) {
	fmt.Fprintln(w, "\nfield exact match (reader)")
	kinds := make([]string, 0, len(s.field))
	for k := range s.field {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		m := s.field[kiosk.DocKind(k)]
		keys := make([]string, 0, len(m))
		for key := range m {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			fmt.Fprintf(w, "  %-16s %-18s %s\n", k, key, m[key])
		}
	}
	fmt.Fprintf(w, "\n%-26s %-22s %s\n", "", "reader", "baseline (value found in whole-image text)")
	for _, k := range kinds {
		fmt.Fprintf(w, "  kind %-20s %-22s %s\n", k, get(s.kind, k), get(s.baseKind, k))
	}
	conds := make([]string, 0, len(s.cond))
	for c := range s.cond {
		conds = append(conds, c)
	}
	sort.Strings(conds)
	for _, c := range conds {
		fmt.Fprintf(w, "  condition %-15s %-22s %s\n", c, get(s.cond, c), get(s.baseCond, c))
	}
	fmt.Fprintf(w, "  %-25s %-22s %s\n", "overall", s.overall, s.baseO)
	fmt.Fprintf(w, "  %-25s %s\n", "no retake flag expected", s.retake[false])
	fmt.Fprintf(w, "  %-25s %s\n", "retake flag expected", s.retake[true])
	// A condition that mixes photos that keep their text with photos whose text is gone
	// (glare burnt white), which no reader recovers and the kiosk retakes: the first alone.
	for _, c := range conds {
		if k := s.condKept[c]; k != nil && k.n < s.cond[c].n {
			fmt.Fprintf(w, "  %-25s %s\n", "no retake, "+c, k)
		}
	}
	fmt.Fprintf(w, "  %-25s %s\n", "names with rare chars", s.rareNames)
	if s.auto {
		fmt.Fprintf(w, "\nkind decided correctly: %s\n", s.kindOK)
	} else {
		fmt.Fprintf(w, "\nkind: given (-auto has the reader decide it)\n")
	}
	fmt.Fprintf(w, "wrong and confident (conf >= %.2f): %d of %d wrong fields\n", confidentBelow, s.confidentWrong, s.wrong)
	fmt.Fprintf(w, "right and confident (conf >= %.2f): %d of %d right fields\n", confidentBelow, s.confidentRight, s.overall.ok)
	fmt.Fprintln(w, "\ntime per image")
	var all []time.Duration
	for _, k := range kinds {
		ts := s.times[kiosk.DocKind(k)]
		all = append(all, ts...)
		fmt.Fprintf(w, "  %-20s p50 %4d ms  p95 %4d ms  (n=%d)\n", k, pct(ts, 0.5), pct(ts, 0.95), len(ts))
	}
	fmt.Fprintf(w, "  %-20s p50 %4d ms  p95 %4d ms  (n=%d)\n", "reader, all", pct(all, 0.5), pct(all, 0.95), len(all))
	if withBase {
		fmt.Fprintf(w, "  %-20s p50 %4d ms  p95 %4d ms  (n=%d)\n", "baseline, all", pct(s.baseTimes, 0.5), pct(s.baseTimes, 0.95), len(s.baseTimes))
	}
}

// pct returns the p-quantile of ds in milliseconds (nearest rank).
func pct(ds []time.Duration, p float64) int64 {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p*float64(len(s))+0.999999) - 1
	return s[max(0, min(i, len(s)-1))].Milliseconds()
}
