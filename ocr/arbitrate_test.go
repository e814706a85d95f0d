package ocr

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/otiai10/gosseract/v2"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/fields"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph"
)

func sym(r string, x0, x1 int, conf float64) gosseract.BoundingBox {
	return gosseract.BoundingBox{Box: image.Rect(x0, 0, x1, 30), Word: r, Confidence: conf}
}

func gch(r rune, x0, x1 int, conf float64) glyph.Char {
	return glyph.Char{Rune: r, Box: image.Rect(x0, 0, x1, 30), Confidence: conf}
}

func TestArbitrate(t *testing.T) {
	tests := []struct {
		name     string
		g        []glyph.Char
		ts       []gosseract.BoundingBox
		want     string
		wantConf []float64 // upper bounds of the first characters' confidences, where given
		verdicts []verdict
	}{
		{"agree", []glyph.Char{gch('张', 0, 30, 0.4)}, []gosseract.BoundingBox{sym("张", 2, 28, 90)},
			"张", nil, []verdict{agreed}},
		{"glyph sure, tesseract other", []glyph.Char{gch('喆', 0, 30, 0.95)}, []gosseract.BoundingBox{sym("吉", 2, 28, 95)},
			"喆", nil, []verdict{disputed}},
		{"glyph unsure, tesseract other", []glyph.Char{gch('部', 0, 30, 0.6)}, []gosseract.BoundingBox{sym("鄞", 2, 28, 95)},
			"部", nil, []verdict{glyphUnsure}},
		{"glyph unsure and weak", []glyph.Char{gch('7', 0, 15, 0.3)}, []gosseract.BoundingBox{sym("1", 2, 13, 90)},
			"1", nil, []verdict{glyphUnsure}},
		{"glyph sure, tesseract silent", []glyph.Char{gch('珺', 0, 30, 0.9)}, nil,
			"珺", nil, []verdict{glyphSure}},
		{"dropped by glyph", []glyph.Char{gch('王', 0, 30, 0.99), gch('芳', 70, 100, 0.99)},
			[]gosseract.BoundingBox{sym("王", 2, 28, 90), sym("小", 37, 62, 90), sym("芳", 72, 98, 90)},
			"王小芳", nil, []verdict{agreed, tessOnly, agreed}},
		// Tesseract's boxes drift right of the ink: B's box centre lies in M's glyph box.
		{"drifted boxes", []glyph.Char{gch('牌', 0, 35, 0.99), gch('B', 40, 62, 0.99), gch('M', 66, 99, 0.99)},
			[]gosseract.BoundingBox{sym("牌", 23, 57, 90), sym("B", 56, 80, 90), sym("M", 67, 100, 90)},
			"牌BM", nil, []verdict{agreed, agreed, agreed}},
		// Blurred XX taken for one X by the glyph recogniser; Tesseract read both.
		{"letters run together", []glyph.Char{gch('0', 0, 28, 0.3), gch('X', 35, 53, 0.99), gch('Y', 59, 78, 0.99)},
			[]gosseract.BoundingBox{sym("0", 0, 8, 98), sym("X", 10, 29, 98), sym("X", 34, 54, 99), sym("Y", 59, 78, 99)},
			"0XXY", nil, []verdict{agreed, tessLetter, agreed, agreed}},
		// Under blur the glyph recogniser cut 招宝山街 into three cells, unsure of each;
		// Tesseract read the four surely, its boxes drifting right.
		{"run cut into too few cells",
			[]glyph.Char{gch('市', 191, 218, 1), gch('镇', 223, 252, 0.9), gch('海', 258, 287, 0.96), gch('区', 292, 321, 1),
				gch('拙', 326, 366, 0.02), gch('川', 373, 413, 0.01), gch('曲', 419, 460, 0.02), gch('道', 465, 493, 0.15)},
			[]gosseract.BoundingBox{sym("市", 199, 240, 99), sym("镇", 257, 277, 99), sym("海", 292, 298, 99), sym("区", 303, 336, 99),
				sym("招", 338, 367, 99), sym("宝", 376, 414, 99), sym("山", 419, 446, 99), sym("街", 464, 494, 99), sym("道", 503, 518, 99)},
			"市镇海区招宝山街道", []float64{1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5},
			[]verdict{agreed, agreed, agreed, agreed, glyphUnsure, glyphUnsure, glyphUnsure, glyphUnsure, agreed}},
		// The same cells as wide as three characters: the glyph recogniser's cut stands, and
		// the symbol left over is Tesseract's alone.
		{"run as wide as its cells",
			[]glyph.Char{gch('市', 191, 218, 1), gch('镇', 223, 252, 0.9), gch('海', 258, 287, 0.96), gch('区', 292, 321, 1),
				gch('拙', 326, 352, 0.02), gch('川', 360, 386, 0.01), gch('曲', 394, 420, 0.02), gch('道', 428, 456, 0.15)},
			[]gosseract.BoundingBox{sym("市", 199, 240, 99), sym("镇", 257, 277, 99), sym("海", 292, 298, 99), sym("区", 303, 336, 99),
				sym("招", 330, 350, 99), sym("宝", 358, 380, 99), sym("山", 385, 400, 99), sym("街", 405, 420, 99), sym("道", 430, 455, 99)},
			"市镇海区招宝山街道", nil, []verdict{agreed, agreed, agreed, agreed, glyphUnsure, glyphUnsure, tessOnly, glyphUnsure, agreed}},
		// Tesseract split one W into V and W; the glyph recogniser is sure of its W.
		{"letter split in two", []glyph.Char{gch('D', 0, 20, 0.99), gch('W', 25, 63, 0.99), gch('G', 69, 90, 0.99)},
			[]gosseract.BoundingBox{sym("D", 0, 20, 98), sym("V", 25, 40, 99), sym("W", 41, 63, 89), sym("G", 69, 90, 99)},
			"DWVG", nil, []verdict{agreed, agreed, tessOnly, agreed}},
		// FH cut by the glyph recogniser into an unsure H and a 1 (the H's right stem);
		// Tesseract read F and H. Its order and its H's box stand.
		{"two letters read as one", []glyph.Char{gch('D', 0, 20, 0.99), gch('H', 25, 60, 0.05), gch('1', 63, 72, 0.7), gch('5', 76, 90, 0.99)},
			[]gosseract.BoundingBox{sym("D", 0, 20, 98), sym("F", 22, 44, 97), sym("H", 48, 72, 99), sym("5", 76, 90, 99)},
			"DFH5", nil, []verdict{agreed, tessLetter, agreed, agreed}},
		// The right half of the label's 址, cut by the crop, before an address.
		{"label sliver", []glyph.Char{gch('止', 12, 32, 0.99), gch('浙', 50, 85, 0.99), gch('江', 91, 127, 0.99), gch('省', 134, 167, 0.99)},
			[]gosseract.BoundingBox{sym("十", 12, 32, 60), sym("浙", 50, 85, 99), sym("江", 91, 127, 99), sym("省", 134, 167, 99)},
			"浙江省", []float64{doubtConf, 1, 1}, []verdict{agreed, agreed, agreed}},
		// A house number beginning a line, spaced like the rest, stays.
		{"number begins a line", []glyph.Char{gch('1', 0, 15, 0.99), gch('6', 19, 36, 0.99), gch('幢', 40, 75, 0.99), gch('5', 79, 96, 0.99)},
			[]gosseract.BoundingBox{sym("1", 0, 15, 99), sym("6", 19, 36, 99), sym("幢", 40, 75, 99), sym("5", 79, 96, 99)},
			"16幢5", nil, []verdict{agreed, agreed, agreed, agreed}},
		// A speck Tesseract read weakly as a letter stays out.
		{"weak letter between", []glyph.Char{gch('A', 0, 20, 0.99), gch('B', 40, 60, 0.99)},
			[]gosseract.BoundingBox{sym("A", 0, 20, 98), sym("I", 27, 31, 40), sym("B", 40, 60, 99)},
			"AIB", nil, []verdict{agreed, tessOnly, agreed}},
		// The glyph recogniser unsure of two letters that Tesseract is sure of.
		{"unsure letters", []glyph.Char{gch('牌', 0, 35, 0.99), gch('1', 40, 48, 0.75), gch('W', 49, 90, 0.71), gch('D', 95, 120, 0.99)},
			[]gosseract.BoundingBox{sym("牌", 0, 35, 99), sym("B", 40, 64, 99), sym("Y", 66, 90, 99), sym("D", 95, 120, 99)},
			"牌BYD", []float64{1, doubtConf, doubtConf}, []verdict{agreed, glyphUnsure, glyphUnsure, agreed}},
		// B cut into a sure 1 (its stem) and an unsure 3; Tesseract read one B over both.
		{"letter cut in two", []glyph.Char{gch('牌', 0, 35, 0.99), gch('1', 40, 49, 0.96), gch('3', 50, 62, 0.54), gch('M', 66, 100, 0.99)},
			[]gosseract.BoundingBox{sym("牌", 0, 35, 99), sym("B", 40, 62, 93), sym("M", 66, 100, 99)},
			"牌BM", []float64{1, doubtConf}, []verdict{agreed, glyphUnsure, agreed}},
		// An H whose thin bar fell below the ink threshold: its left stem a sure 1, the rest
		// run into the E and unplaced; Tesseract read H, surely, in a box four times as wide.
		{"letter's stem cut off", []glyph.Char{gch('4', 0, 18, 0.99), gch('1', 22, 30, 0.99), gch('皿', 40, 75, 0.13), gch('1', 80, 94, 0.99)},
			[]gosseract.BoundingBox{sym("4", 0, 18, 99), sym("H", 21, 49, 99), sym("E", 55, 75, 98), sym("1", 80, 94, 91)},
			"4HE1", []float64{1, doubtConf, doubtConf, 1}, []verdict{agreed, disputed, glyphUnsure, agreed}},
		// 1号 run together into one cell the glyph recogniser could not place (崿).
		{"digit and ideograph run together", []glyph.Char{gch('4', 0, 20, 0.99), gch('崿', 26, 78, 0.01)},
			[]gosseract.BoundingBox{sym("4", 0, 20, 99), sym("1", 25, 37, 99), sym("号", 48, 79, 97)},
			"41号", []float64{1, doubtConf, doubtConf}, []verdict{agreed, disputed, disputed}},
		// Two ideographs Tesseract read in one cell the glyph recogniser could not place: the
		// cell stays one character.
		{"ideograph split by Tesseract", []glyph.Char{gch('顺', 0, 36, 0.1)},
			[]gosseract.BoundingBox{sym("川", 0, 14, 90), sym("页", 16, 36, 90)},
			"顺", nil, []verdict{glyphUnsure}},
		// Tesseract's box of 淮 collapsed to a pixel inside the 江 before it: the symbol goes
		// by Tesseract's order to the next unpaired cell, which the glyph recogniser could
		// not place, not out of the line.
		{"collapsed box", []glyph.Char{gch('江', 15, 41, 0.99), gch('涠', 45, 78, 0.03), gch('踟', 80, 112, 0.02), gch('C', 119, 136, 0.99)},
			[]gosseract.BoundingBox{sym("江", 15, 41, 99), sym("淮", 19, 20, 90), sym("牌", 80, 112, 95), sym("H", 116, 118, 40), sym("C", 119, 136, 99)},
			"江淮牌HC", nil, []verdict{agreed, glyphUnsure, glyphUnsure, tessOnly, agreed}},
		// Below Tesseract's sureness the glyph recogniser's letter stays.
		{"unsure letter, Tesseract unsure too", []glyph.Char{gch('A', 0, 20, 0.6)},
			[]gosseract.BoundingBox{sym("R", 0, 20, 70)},
			"A", nil, []verdict{glyphUnsure}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := arbitrate(tt.g, tt.ts)
			var s strings.Builder
			for i, c := range got {
				s.WriteRune(c.r)
				if i < len(tt.verdicts) && c.verdict != tt.verdicts[i] {
					t.Errorf("char %d verdict %d, want %d", i, c.verdict, tt.verdicts[i])
				}
				bounded := i < len(tt.wantConf) && tt.wantConf[i] < 1
				if bounded && c.conf > tt.wantConf[i] {
					t.Errorf("char %d %q conf %.2f > %.2f", i, c.r, c.conf, tt.wantConf[i])
				}
				switch c.verdict {
				case agreed:
					if !bounded && c.conf < agreeConf {
						t.Errorf("agreed char %q conf %.2f < %.2f", c.r, c.conf, agreeConf)
					}
				case glyphSure:
					if c.conf < glyph.Threshold {
						t.Errorf("sure glyph %q lost its confidence: %.2f", c.r, c.conf)
					}
				default:
					if c.conf >= glyph.Threshold {
						t.Errorf("%q verdict %d looks confident: %.2f", c.r, c.verdict, c.conf)
					}
				}
			}
			if s.String() != tt.want {
				t.Errorf("got %q, want %q", s.String(), tt.want)
			}
		})
	}
}

// TestTextLines: the lines of a block, a speck row aside; two lines set so close that the tip
// of a stroke of one comes within two blank rows of the other are two lines all the same, while
// the feet of a pale line's strokes, a blank row above them, are no line of their own.
func TestTextLines(t *testing.T) {
	pale := image.NewGray(image.Rect(0, 0, 200, 70))
	for i := range pale.Pix {
		pale.Pix[i] = 255
	}
	for y := 28; y < 49; y++ {
		if y == 43 {
			continue
		}
		for x := 10; x < 190; x += 20 {
			pale.Pix[y*pale.Stride+x] = 0
		}
	}
	if ls := textLines(pale); len(ls) != 1 {
		t.Errorf("pale line: got %d lines %v, want 1", len(ls), ls)
	}
	for _, c := range []struct {
		name         string
		rows         [][2]int // rows of text
		tip          [2]int   // rows of a stroke's tip, one pixel wide
		first, other [2]int   // the rows each line must hold
	}{
		{"apart", [][2]int{{10, 40}, {60, 90}, {100, 102}}, [2]int{}, [2]int{10, 40}, [2]int{60, 90}},
		{"close", [][2]int{{10, 40}, {45, 75}}, [2]int{40, 43}, [2]int{10, 40}, [2]int{45, 75}},
	} {
		g := image.NewGray(image.Rect(0, 0, 200, 120))
		for i := range g.Pix {
			g.Pix[i] = 255
		}
		for _, r := range c.rows {
			for y := r[0]; y < r[1]; y++ {
				for x := 10; x < 190; x += 3 {
					g.Pix[y*g.Stride+x] = 0
				}
			}
		}
		for y := c.tip[0]; y < c.tip[1]; y++ {
			g.Pix[y*g.Stride+50] = 0
		}
		ls := textLines(g)
		if len(ls) != 2 {
			t.Errorf("%s: got %d lines %v, want 2", c.name, len(ls), ls)
			continue
		}
		if !(ls[0].a <= c.first[0] && ls[0].b >= c.first[1] && ls[0].b <= c.other[0] && ls[1].a <= c.other[0] && ls[1].a >= c.first[1] && ls[1].b >= c.other[1]) {
			t.Errorf("%s: lines %v do not hold the text rows", c.name, ls)
		}
	}
}

// TestArbitrationStats prints, for a directory written by cardgen (XIAOZHI_ARBSTATS), how
// often each arbitration verdict is right, by the glyph recogniser's confidence: the evidence
// behind agreeConf, disputedConf and doubtConf. Calibrate on the tuning fonts only.
func TestArbitrationStats(t *testing.T) {
	dir := os.Getenv("XIAOZHI_ARBSTATS")
	if dir == "" {
		t.Skip("XIAOZHI_ARBSTATS not set")
	}
	r := mustReader(t)
	d := r.text.(*dual)
	f, err := os.Open(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type bucket struct{ ok, n int }
	stats := map[string]*bucket{}
	add := func(k string, ok bool) {
		if stats[k] == nil {
			stats[k] = &bucket{}
		}
		stats[k].n++
		if ok {
			stats[k].ok++
		}
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var tl struct {
			File   string            `json:"file"`
			Kind   kiosk.DocKind     `json:"kind"`
			Fields map[string]string `json:"fields"`
		}
		if err := json.Unmarshal(sc.Bytes(), &tl); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, tl.File))
		if err != nil {
			t.Fatal(err)
		}
		c, flags, err := r.rectify(data, tl.Kind)
		if err != nil || c == nil || c.kind != tl.Kind || flags.has(kiosk.FlagWrongSide) {
			continue
		}
		for _, rg := range layouts[c.kind] {
			want, ok := tl.Fields[rg.key]
			if !rg.req.glyph || !ok {
				continue
			}
			g, _ := crop(c.bgr, rg)
			if g == nil {
				continue
			}
			chars, err := d.read(context.Background(), g, rg.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []arbChar
			for _, ch := range chars {
				if ch.r != '\n' && ch.r != ' ' && ch.verdict != tessOnly {
					got = append(got, ch)
				}
			}
			right := alignRight(got, []rune(want))
			for i, ch := range got {
				if !right[i] && strings.ContainsRune(labelRunes, ch.r) {
					continue // a fragment of the printed label, which normalisation trims
				}
				kind := "han"
				if isLatinOrDigit(ch.r) {
					kind = "latin"
				}
				if !right[i] && ch.conf >= 0.8 && os.Getenv("XIAOZHI_ARBSTATS_V") != "" {
					var line strings.Builder
					for _, x := range got {
						line.WriteRune(x.r)
					}
					t.Logf("confident wrong %s %s %q in %q want %q", tl.File, rg.key, ch.r, line.String(), want)
				}
				add(fmt.Sprintf("%-11s %-5s g%.1f", verdictName[ch.verdict], kind, min(0.9, float64(int(ch.glyph*10))/10)), right[i])
				add(fmt.Sprintf("%-11s %-5s all", verdictName[ch.verdict], kind), right[i])
				if ch.verdict == glyphUnsure && ch.tess != 0 {
					add(fmt.Sprintf("unsure: tess rune would be right (%s)", kind), alignRuneRight(got, i, ch.tess, []rune(want)))
				}
			}
		}
	}
	keys := make([]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b := stats[k]
		t.Logf("%-42s %5d/%5d right (%.1f%%)", k, b.ok, b.n, 100*float64(b.ok)/float64(b.n))
	}
}

// labelRunes are the characters of the printed labels next to free-text values.
const labelRunes = "姓名性别民族住址签发机关国籍车辆类型所有人使用性质NameSexAddressNationalityOwnerVehicleTypeUseCharacter:"

var verdictName = map[verdict]string{agreed: "agreed", glyphSure: "glyph-sure", disputed: "disputed",
	glyphUnsure: "unsure", tessOnly: "tess-only", tessLetter: "tess-letter"}

// alignRight marks which characters of got are part of a longest common subsequence with
// want: a character outside it is wrong (misread, extra, or a label fragment).
func alignRight(got []arbChar, want []rune) []bool {
	n, m := len(got), len(want)
	dp := make([][]int, n+1)
	for i := range dp {
		dp[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if got[i].r == want[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	out := make([]bool, n)
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case got[i].r == want[j]:
			out[i] = true
			i, j = i+1, j+1
		case dp[i+1][j] >= dp[i][j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

// alignRuneRight reports whether replacing got[i] with r makes it part of the alignment.
func alignRuneRight(got []arbChar, i int, r rune, want []rune) bool {
	alt := append([]arbChar(nil), got...)
	alt[i].r = r
	return alignRight(alt, want)[i]
}

// TestUnitAfterNumber: after a house number, the glyph recogniser's unit word stands against
// Tesseract's look-alike that is none; elsewhere, or against another unit word, it does not.
func TestUnitAfterNumber(t *testing.T) {
	tests := []struct {
		g, t   rune
		before string
		want   bool
	}{
		{'幢', '峡', "樱花公寓38", true},
		{'弄', '才', "宫路27", true},
		{'幢', '峡', "樱花公寓", false},   // not after a number
		{'幢', '号', "樱花公寓38", false}, // Tesseract's is a unit word too
		{'峡', '幢', "樱花公寓38", false}, // the glyph's is none
		{'幢', '幢', "38", false},
	}
	for _, tt := range tests {
		if got := unitAfterNumber(tt.g, tt.t, tt.before); got != tt.want {
			t.Errorf("unitAfterNumber(%q, %q, %q) = %v, want %v", tt.g, tt.t, tt.before, got, tt.want)
		}
	}
}

func TestStrayDigit(t *testing.T) {
	han := func(r rune) arbChar { return arbChar{r: r, verdict: agreed} }
	one := arbChar{r: '1', verdict: disputed, glyphR: '1', tess: '山'}
	for _, c := range []struct {
		before string
		c      arbChar
		after  []arbChar
		want   bool
	}{
		{"浙江省象", one, []arbChar{han('县')}, true},
		// What Tesseract alone saw is left out of the text: the next character is 西.
		{"海曙区中", one, []arbChar{{r: '·', verdict: tessOnly}, han('西')}, true},
		// A house number before its unit word, or before more digits.
		{"南山路", one, []arbChar{han('号')}, false},
		{"屏峰村", one, []arbChar{han('8'), han('号')}, false},
		{"樟树村14", one, []arbChar{han('号')}, false},
		// At either end of the line.
		{"", one, []arbChar{han('县')}, false},
		{"浙江省象", one, nil, false},
		// Tesseract read no Chinese character there.
		{"浙江省象", arbChar{r: '1', verdict: disputed, glyphR: '1', tess: 'l'}, []arbChar{han('县')}, false},
	} {
		if got := strayDigit(c.c, c.before, c.after); got != c.want {
			t.Errorf("strayDigit(%q, %c, next %v) = %v, want %v", c.before, c.c.glyphR, c.after, got, c.want)
		}
	}
}

func TestDoubtTail(t *testing.T) {
	sure := func(s string) fields.Reading {
		return fields.Reading{Text: s, Conf: slices.Repeat([]float64{0.99}, len(s))}
	}
	for _, c := range []struct {
		tess, glyph string
		doubt       int // the place made doubtful, -1 for none
	}{
		// The glyph recogniser merged digits at the start; the ends align.
		{"330212199807269365", "33029807269363", 17},
		{"33010619940125885X", "33099425883X", 16},
		// The two ends differ in more than one place: nothing aligns them.
		{"330212199807269365", "3302121998072693", -1},
		{"330212199807269363", "33029807269363", -1},
		{"330212199807269363", "", -1},
	} {
		got := doubtTail(sure(c.tess), fields.Reading{Text: c.glyph})
		for i, conf := range got.Conf {
			if want := i == c.doubt; (conf < 0.9) != want {
				t.Errorf("doubtTail(%s, %s): place %d at %.2f", c.tess, c.glyph, i, conf)
			}
		}
	}
}

func TestSplitBuilding(t *testing.T) {
	for _, c := range []struct {
		before, want string
		ok           bool
	}{
		{"东方丽都11", "东方丽都1", true},
		{"银亿花园1\n10", "银亿花园1\n1", true},
		// A lone digit is the building's own number.
		{"东方丽都1", "东方丽都1", false},
		{"东方丽都", "东方丽都", false},
		{"", "", false},
	} {
		got, ok := splitBuilding(c.before)
		if got != c.want || ok != c.ok {
			t.Errorf("splitBuilding(%q) = %q, %v; want %q, %v", c.before, got, ok, c.want, c.ok)
		}
	}
}
