package main

import (
	"fmt"
	"io"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/render"
)

// lineResult is the scoring of one line.
type lineResult struct {
	level      int
	kind       lineKind
	exact      bool
	rare       bool          // a name holding a level-2 or -3 character
	charRight  [4]int        // per character level (0: digits and punctuation)
	charTotal  [4]int        // per character level
	wrongOut   int           // output characters that are substitutions or insertions
	wrongConf  int           // … of those with confidence ≥ glyph.Threshold
	confident  int           // output characters with confidence ≥ glyph.Threshold
	outChars   int           // output characters
	confRight  int           // confident output characters that are right
	dt         time.Duration // wall time
	cpu        time.Duration // CPU time of the reading thread
	notInModel int           // ground-truth characters the model cannot produce
}

type stats struct {
	name  string
	lines []lineResult
	last  lineResult
	level map[rune]int
}

func newStats(name string) *stats { return &stats{name: name} }

func (s *stats) levelOf(tab []render.TableChar, r rune) int {
	if s.level == nil {
		s.level = map[rune]int{}
		for _, c := range tab {
			s.level[c.Rune] = c.Level
		}
	}
	return s.level[r]
}

// add scores a recogniser reading and reports whether it was exact.
func (s *stats) add(want string, got glyph.Line, lv int, kind lineKind, dt time.Duration, tab []render.TableChar, inModel map[rune]bool) bool {
	conf := make([]float64, len(got.Chars))
	for i, c := range got.Chars {
		conf[i] = c.Confidence
	}
	r := s.score(want, []rune(got.Text), conf, lv, kind, dt, tab)
	for _, c := range want {
		if !inModel[c] {
			r.notInModel++
		}
	}
	s.lines = append(s.lines, r)
	s.last = r
	return r.exact
}

// addText scores a reading without confidences (tesseract).
func (s *stats) addText(want, got string, lv int, kind lineKind, dt time.Duration, tab []render.TableChar) {
	r := s.score(want, []rune(got), nil, lv, kind, dt, tab)
	s.lines = append(s.lines, r)
	s.last = r
}

func (s *stats) merge(r lineResult) { s.lines = append(s.lines, r) }

func (s *stats) score(want string, got []rune, conf []float64, lv int, kind lineKind, dt time.Duration, tab []render.TableChar) lineResult {
	w := []rune(want)
	r := lineResult{level: lv, kind: kind, exact: string(w) == string(got), dt: dt}
	for _, c := range w {
		if kind == nameLine && s.levelOf(tab, c) >= 2 {
			r.rare = true
		}
	}
	okW, okG := align(w, got)
	for i, c := range w {
		l := s.levelOf(tab, c)
		r.charTotal[l]++
		if okW[i] {
			r.charRight[l]++
		}
	}
	r.outChars = len(got)
	for j := range got {
		hi := conf != nil && conf[j] >= glyph.Threshold
		if hi {
			r.confident++
			if okG[j] {
				r.confRight++
			}
		}
		if !okG[j] {
			r.wrongOut++
			if hi {
				r.wrongConf++
			}
		}
	}
	return r
}

// align matches want and got by edit distance and marks which characters
// of each side are matched to an equal character.
func align(w, g []rune) (okW, okG []bool) {
	n, m := len(w), len(g)
	d := make([][]int, n+1)
	for i := range d {
		d[i] = make([]int, m+1)
		d[i][0] = i
	}
	for j := 0; j <= m; j++ {
		d[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			c := 1
			if w[i-1] == g[j-1] {
				c = 0
			}
			d[i][j] = min(d[i-1][j-1]+c, d[i-1][j]+1, d[i][j-1]+1)
		}
	}
	okW, okG = make([]bool, n), make([]bool, m)
	for i, j := n, m; i > 0 && j > 0; {
		c := 1
		if w[i-1] == g[j-1] {
			c = 0
		}
		switch {
		case d[i][j] == d[i-1][j-1]+c:
			if c == 0 {
				okW[i-1], okG[j-1] = true, true
			}
			i, j = i-1, j-1
		case d[i][j] == d[i-1][j]+1:
			i--
		default:
			j--
		}
	}
	return okW, okG
}

func (s *stats) print(w io.Writer) {
	var right, total [4]int
	var exact, lines [4]int
	var kindExact, kindLines [3]int
	var rareExact, rareLines int
	var wrongOut, wrongConf, confident, confRight, outChars, notIn int
	var dts, cpus []time.Duration
	for _, r := range s.lines {
		for l := 0; l < 4; l++ {
			right[l] += r.charRight[l]
			total[l] += r.charTotal[l]
		}
		lines[r.level]++
		kindLines[r.kind]++
		if r.exact {
			exact[r.level]++
			kindExact[r.kind]++
		}
		if r.rare {
			rareLines++
			if r.exact {
				rareExact++
			}
		}
		wrongOut += r.wrongOut
		wrongConf += r.wrongConf
		confident += r.confident
		confRight += r.confRight
		outChars += r.outChars
		notIn += r.notInModel
		dts = append(dts, r.dt)
		cpus = append(cpus, r.cpu)
	}
	pct := func(a, b int) string {
		if b == 0 {
			return "    –  "
		}
		return fmt.Sprintf("%6.2f%%", 100*float64(a)/float64(b))
	}
	fmt.Fprintf(w, "-- %s: %d lines\n", s.name, len(s.lines))
	fmt.Fprintf(w, "   char accuracy  level-1 %s (%d)  level-2 %s (%d)  level-3 %s (%d)  digits/punct %s (%d)\n",
		pct(right[1], total[1]), total[1], pct(right[2], total[2]), total[2], pct(right[3], total[3]), total[3], pct(right[0], total[0]), total[0])
	fmt.Fprintf(w, "   line exact     level-1 lines %s  level-2 lines %s  level-3 lines %s | name %s  address %s  authority %s\n",
		pct(exact[1], lines[1]), pct(exact[2], lines[2]), pct(exact[3], lines[3]),
		pct(kindExact[0], kindLines[0]), pct(kindExact[1], kindLines[1]), pct(kindExact[2], kindLines[2]))
	fmt.Fprintf(w, "   names with level-2/3 characters read exactly %s (%d)\n", pct(rareExact, rareLines), rareLines)
	if confident > 0 || wrongConf > 0 {
		fmt.Fprintf(w, "   wrong chars with conf ≥ %.2f: %d of %d wrong (%s); %s of all output chars are confident, %s of those right\n",
			glyph.Threshold, wrongConf, wrongOut, pct(wrongConf, wrongOut), pct(confident, outChars), pct(confRight, confident))
	}
	if notIn > 0 {
		fmt.Fprintf(w, "   %d ground-truth characters are not in the model\n", notIn)
	}
	for _, t := range []struct {
		what string
		d    []time.Duration
	}{{"wall", dts}, {"CPU ", cpus}} {
		var sum time.Duration
		for _, d := range t.d {
			sum += d
		}
		if len(t.d) > 0 && sum > 0 {
			fmt.Fprintf(w, "   time per line (%s) mean %v  p50 %v  p95 %v\n", t.what,
				(sum / time.Duration(len(t.d))).Round(10*time.Microsecond), percentile(t.d, 0.5).Round(10*time.Microsecond), percentile(t.d, 0.95).Round(10*time.Microsecond))
		}
	}
}
