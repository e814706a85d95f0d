package fields

import "strings"

// VehicleTypes are the printed 车辆类型 of GA 802 most often seen on 行驶证 (CARDS.md §2.4).
var VehicleTypes = strings.Fields(`
大型普通客车 大型双层客车 大型卧铺客车 大型铰接客车 大型越野客车 大型专用客车 大型专用校车
中型普通客车 中型双层客车 中型卧铺客车 中型越野客车 中型专用客车 中型专用校车
小型普通客车 小型越野客车 小型专用客车 小型专用校车 小型面包车 小型轿车 微型普通客车 微型轿车
重型普通货车 重型厢式货车 重型封闭货车 重型罐式货车 重型平板货车 重型集装厢车 重型自卸货车
重型特殊结构货车 重型仓栅式货车 重型车辆运输车 重型厢式自卸货车 重型罐式自卸货车
重型平板自卸货车 重型集装厢自卸货车 重型特殊结构自卸货车 重型仓栅式自卸货车
中型普通货车 中型厢式货车 中型封闭货车 中型罐式货车 中型平板货车 中型集装厢车 中型自卸货车
中型特殊结构货车 中型仓栅式货车 中型车辆运输车
轻型普通货车 轻型厢式货车 轻型封闭货车 轻型罐式货车 轻型平板货车 轻型自卸货车
轻型特殊结构货车 轻型仓栅式货车 轻型车辆运输车
微型普通货车 微型厢式货车 微型封闭货车 微型罐式货车 微型自卸货车 微型特殊结构货车 微型仓栅式货车
低速普通货车 低速厢式货车 低速罐式货车 低速自卸货车 低速仓栅式货车
重型半挂牵引车 重型全挂牵引车 中型半挂牵引车 中型全挂牵引车 轻型半挂牵引车 轻型全挂牵引车
大型非载货专项作业车 大型载货专项作业车 中型非载货专项作业车 中型载货专项作业车
小型非载货专项作业车 小型载货专项作业车 微型非载货专项作业车 微型载货专项作业车
重型普通半挂车 重型厢式半挂车 重型罐式半挂车 重型平板半挂车 重型集装箱半挂车 重型自卸半挂车
重型特殊结构半挂车 重型仓栅式半挂车 重型车辆运输半挂车 重型低平板半挂车
普通二轮摩托车 普通三轮摩托车 轻便二轮摩托车 轻便三轮摩托车 正三轮载人摩托车 正三轮载货摩托车
三轮汽车 低速货车 轮式拖拉机 手扶拖拉机`)

// closedMatch finds the member of set that the reading g holds, allowing stray characters
// around it (the end of a printed label, a speck read as a character) and at most one misread
// character inside it when the set's members are long enough for that to stay unambiguous.
// A longer member wins over one it contains (非营运 over 营运). It returns the member, where in
// g it lies, and how many characters differ (0 or 1); ok is false when no member or more than
// one fits equally well.
func closedMatch(g glyphs, set []string) (m string, at runeSpan, dist int, ok bool) {
	s := []rune(g.String())
	best, bestCost, bestD, bestN, tie := "", 0, 0, 0, false
	var bestAt runeSpan
	for _, x := range set {
		xr := []rune(x)
		maxD := 0
		if len(xr) >= 3 {
			maxD = 1
		}
		d, at := bestSubstring(s, xr)
		if d > maxD {
			continue
		}
		// Characters left outside the member count against it: 厦营运 is 非营运 with one
		// misread rather than 营运 with a stray character in front.
		cost := d + len(s) - (at.b - at.a)
		switch {
		case best == "" || cost < bestCost || cost == bestCost && len(xr) > bestN:
			best, bestCost, bestD, bestN, tie = x, cost, d, len(xr), false
			bestAt = at
		case cost == bestCost && len(xr) == bestN:
			tie = true
		}
	}
	if best == "" || tie {
		return "", runeSpan{}, 0, false
	}
	return best, bestAt, bestD, true
}

// runeSpan is a run [a, b) of rune indices.
type runeSpan struct{ a, b int }

// bestSubstring returns the smallest edit distance between pat and any substring of s, and
// where that substring lies (approximate substring matching).
func bestSubstring(s, pat []rune) (int, runeSpan) {
	n, m := len(s), len(pat)
	if m == 0 {
		return 0, runeSpan{}
	}
	// d[i][j]: distance between pat[:i] and a substring of s ending at j; start[i][j] its start.
	d := make([][]int, m+1)
	st := make([][]int, m+1)
	for i := range d {
		d[i] = make([]int, n+1)
		st[i] = make([]int, n+1)
	}
	for j := 0; j <= n; j++ {
		st[0][j] = j
	}
	for i := 1; i <= m; i++ {
		d[i][0] = i
		for j := 1; j <= n; j++ {
			cost := 1
			if pat[i-1] == s[j-1] {
				cost = 0
			}
			d[i][j], st[i][j] = d[i-1][j-1]+cost, st[i-1][j-1]
			if v := d[i-1][j] + 1; v < d[i][j] {
				d[i][j], st[i][j] = v, st[i-1][j]
			}
			if v := d[i][j-1] + 1; v < d[i][j] {
				d[i][j], st[i][j] = v, st[i][j-1]
			}
		}
	}
	best, end := d[m][0], 0
	for j := 1; j <= n; j++ {
		if d[m][j] < best {
			best, end = d[m][j], j
		}
	}
	return best, runeSpan{st[m][end], end}
}

// closedValue reads a value from a closed set of printed texts: exact, or snapped to the
// unique nearest member (CARDS.md §4) at a capped confidence.
func closedValue(rd Reading, set []string, labels ...string) Value {
	han := toGlyphs(rd).filter(isHan)
	g := han.trimLabels(labels...)
	s := g.String()
	m, at, dist, ok := closedMatch(g, set)
	cover := g[at.a:at.b]
	switch {
	case !ok:
		return Value{Text: s, Conf: min(g.conf(), capSnapped), Problem: "not a known value"}
	case EndsAnother(m, set) && unsureBefore(rd, len(han)-len(g)+at.a):
		// The end of a longer member (营运 of 非营运, 校车 of 专用校车) read after characters
		// the recognisers could not settle: those may be the longer member's start, split or
		// run into the label (非 read as the halves "rF").
		return valid(m, min(cover.conf(), capSnapped))
	case dist > 0:
		return valid(m, min(cover.conf(), capSnapped))
	case len(cover) < len(g):
		// Stray characters beside an exact member: the member itself was read as printed.
		return valid(m, min(cover.conf(), capRepaired))
	}
	return valid(m, cover.conf())
}

// EndsAnother reports whether m is the end of a longer member of set.
func EndsAnother(m string, set []string) bool {
	for _, x := range set {
		if x != m && strings.HasSuffix(x, m) {
			return true
		}
	}
	return false
}

// unsureBefore reports whether a character of rd before its n-th Han character (spaces aside) is
// below disputedBelow: one the recognisers did not settle.
func unsureBefore(rd Reading, n int) bool {
	for _, x := range toGlyphs(rd) {
		if isHan(x.r) {
			if n == 0 {
				return false
			}
			n--
		}
		if !isSpace(x.r) && x.c < disputedBelow {
			return true
		}
	}
	return false
}

// VehicleType reads the printed vehicle type (车辆类型) against the GA 802 names.
func VehicleType(rd Reading) Value {
	v := closedValue(rd, VehicleTypes, "车辆类型")
	if !v.Valid {
		// An unusual type is still what the page says: keep it as text, doubtful.
		t := Text(rd, "车辆类型")
		t.Conf, t.Problem = min(t.Conf, capSnapped), v.Problem
		return t
	}
	return v
}
