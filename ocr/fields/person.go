package fields

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Labels printed next to values, which a padded region may catch (CARDS.md §2).
var (
	labelsName      = []string{"姓名", "Name"}
	labelsSex       = []string{"性别", "Sex"}
	labelsEthnicity = []string{"民族"}
	labelsAddress   = []string{"住址", "Address"}
	labelsAuthority = []string{"签发机关"}
)

// Name normalises a personal (or company) name: spaces removed, separator variants mapped to
// U+00B7, full-width folded. It is never corrected (CARDS.md §4); characters that cannot be part
// of a Chinese name lower the confidence instead.
func Name(rd Reading) Value {
	g := toGlyphs(rd).mapRunes(Width).filter(func(r rune) bool { return !isSpace(r) })
	g = g.trimLabels(labelsName...)
	g = g.mapRunes(Dot)
	// A digit, letter or mark at either end is a speck or the edge of a label, never part of
	// a name: it is left out, and the name is not settled (the speck may have hidden a stroke).
	trimmed := false
	stray := func(r rune) bool { return !isHan(r) && r != '·' }
	for len(g) > 0 && stray(g[0].r) {
		g, trimmed = g[1:], true
	}
	for len(g) > 0 && stray(g[len(g)-1].r) {
		g, trimmed = g[:len(g)-1], true
	}
	s := g.String()
	c := g.conf()
	if trimmed {
		c = min(c, capSnapped)
	}
	if s == "" {
		return invalid("", 0, "empty")
	}
	for i, x := range g {
		if x.r == '·' && (i == 0 || i == len(g)-1) {
			return invalid(s, c, "separator at an end")
		}
		if !isHan(x.r) && x.r != '·' {
			return invalid(s, c, "character not in a name")
		}
	}
	if n := len(g); n < 2 || n > 30 {
		return invalid(s, c, "implausible length")
	}
	return Value{Text: s, Conf: min(c, freeCap(rd), disputedCap(rd, g))}
}

// Sex reads 男 or 女. Anything else is invalid: there is no safe snap from other characters.
func Sex(rd Reading) Value {
	g := toGlyphs(rd).filter(func(r rune) bool { return !isSpace(r) }).trimLabels(labelsSex...)
	var found glyphs
	for _, x := range g {
		if x.r == '男' || x.r == '女' {
			found = append(found, x)
		}
	}
	if len(found) != 1 {
		return invalid(g.String(), g.conf(), "not 男 or 女")
	}
	c := found[0].c
	if len(g) > 1 {
		c = min(c, capSnapped) // stray characters around it: the region was not clean
	}
	return valid(string(found[0].r), c)
}

// Ethnicities are the 56 recognised nationalities as printed on ID cards, without 族.
var Ethnicities = strings.Fields(`汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲
高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克
俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺`)

// Ethnicity reads one of the 56 names (a trailing 族 is dropped), snapping to the unique
// nearest name when one character was misread.
func Ethnicity(rd Reading) Value {
	g := toGlyphs(rd).filter(isHan).trimLabels(labelsEthnicity...)
	if n := len(g); n > 1 && g[n-1].r == '族' {
		g = g[:n-1]
	}
	if len(g) > 1 && g[0].r == '族' {
		g = g[1:] // the end of the label 民族, printed close to the value
	}
	s := g.String()
	m, at, dist, ok := closedMatch(g, Ethnicities)
	cover := g[at.a:at.b]
	switch {
	case !ok:
		return invalid(s, g.conf(), "not one of the 56 ethnicities")
	case dist > 0:
		return valid(m, min(cover.conf(), capSnapped))
	case len(cover) < len(g):
		return valid(m, min(cover.conf(), capRepaired))
	}
	return valid(m, cover.conf())
}

// addressEnds are the characters an address ends in: the house number (号), the flat, floor or
// building (室 层 楼 栋 幢 座 单元 户), the village or its group (村 组 队 屯 庄 寨), the yard
// (院 舍). An address ending otherwise is rare enough that a person may look at it.
const addressEnds = "号室层楼栋幢座元户村组队屯庄寨院舍"

// Address joins the printed lines without spaces and folds full-width characters. Like a name
// it is never corrected.
func Address(rd Reading) Value {
	g := toGlyphs(rd).mapRunes(Width).filter(func(r rune) bool { return !isSpace(r) })
	g = g.trimLabels(labelsAddress...)
	s := g.String()
	if s == "" {
		return invalid("", 0, "empty")
	}
	c := g.conf()
	han := 0
	for _, x := range g {
		if isHan(x.r) {
			han++
		}
	}
	if han < 3 {
		return invalid(s, c, "too few characters for an address")
	}
	if !strings.ContainsRune(addressEnds, g[len(g)-1].r) {
		// An address ends in a place or a unit, never in a bare number (屏峰村8) or inside a
		// name (招宝山街 of 招宝山街道车站路922号, its second line lost to glare): its end was
		// lost, whatever the characters read say.
		c = min(c, capSnapped)
	}
	return Value{Text: s, Conf: min(c, freeCap(rd), disputedCap(rd, g))}
}

// disputedBelow is the character confidence under which the arbitration did not settle a
// character: the two recognisers read it differently (disputed, 0.75) or the glyph recogniser
// was unsure.
const disputedBelow = 0.8

// disputedCap bounds free text of which any character the recognisers disputed. The field
// confidence weighs the mean too, so one disputed character among many agreed ones would still
// leave the value at 0.80 or above; but a disputed character in an address is exactly the
// look-alike (卜/下, 鄞/部) that CARDS.md §4 says must be shown, not trusted.
func disputedCap(rd Reading, g glyphs) float64 {
	if !rd.Arbitrated {
		return 1
	}
	for _, x := range g {
		if x.c < disputedBelow {
			return capUnverified
		}
	}
	return 1
}

// Authority reads the issuing office on the back of an ID card, as printed.
func Authority(rd Reading) Value {
	g := toGlyphs(rd).mapRunes(Width).filter(func(r rune) bool { return !isSpace(r) })
	g = g.trimLabels(labelsAuthority...)
	s := g.String()
	c := g.conf()
	if len(g) < 4 {
		return invalid(s, c, "too short for an authority")
	}
	for _, x := range g {
		if !isHan(x.r) {
			return invalid(s, c, "character not in an authority")
		}
	}
	if !strings.HasSuffix(s, "局") && !strings.HasSuffix(s, "分局") && !strings.HasSuffix(s, "所") {
		return Value{Text: s, Conf: min(c, capSnapped), Problem: "unusual ending"}
	}
	// Offices are named after their place: 宁波市公安局…, 象山县公安局. Without a place
	// before 公安局 the start was lost (glare, the crop): 安局奉化分局.
	if i := strings.Index(s, "公安局"); i < 0 || utf8.RuneCountInString(s[:i]) < 2 {
		return Value{Text: s, Conf: min(c, capSnapped), Problem: "no place before 公安局"}
	}
	return Value{Text: s, Conf: min(c, freeCap(rd), disputedCap(rd, g))}
}

// Text reads a free-text value as printed (vehicle type, brand and model, owner, nationality):
// spaces removed, full-width folded, ASCII letters upper-cased.
func Text(rd Reading, labels ...string) Value {
	g := toGlyphs(rd).mapRunes(Width).filter(func(r rune) bool { return !isSpace(r) })
	g = g.trimLabels(labels...)
	g = g.mapRunes(unicode.ToUpper)
	s := g.String()
	if s == "" {
		return invalid("", 0, "empty")
	}
	return Value{Text: s, Conf: min(g.conf(), freeCap(rd), disputedCap(rd, g))}
}

// Owner normalises the owner of a vehicle: a person or a company.
func Owner(rd Reading) Value {
	// The label 所有人 is printed close to the value, and its last character is read with it
	// when the two run together (人梁文). No surname is 人 and hardly a company starts with it:
	// it is left out, and the owner is not settled.
	cut := false
	if rs := []rune(rd.Text); len(rs) >= 3 && rs[0] == '人' && isHan(rs[1]) {
		rd.Text, cut = string(rs[1:]), true
		if len(rd.Conf) == len(rs) {
			rd.Conf = rd.Conf[1:]
		}
	}
	v := Name(rd)
	// A company's name may have digits or brackets: only keep what the text itself says, not
	// the personal-name checks.
	if v.Problem == "character not in a name" || v.Problem == "implausible length" {
		v = Text(rd, "所有人")
		// No owner, person or company, is named by one character: that is the end of the
		// label 所有人 with the name lost.
		if utf8.RuneCountInString(v.Text) < 2 {
			v = invalid(v.Text, v.Conf, "implausible length")
		}
	}
	if cut {
		v.Conf = min(v.Conf, capSnapped)
	}
	// Four characters or more without a transliteration's dot are seldom a person and end a
	// company in its kind (公司, 厂, 合作社): without one, a company's name lost its end to
	// glare or the crop (宁波顺达 of 宁波顺达货运有限公司), whatever the characters read say.
	if rs := []rune(v.Text); len(rs) >= 4 && !strings.ContainsRune(v.Text, '·') && !strings.ContainsRune(companyEnds, rs[len(rs)-1]) {
		v.Conf = min(v.Conf, capSnapped)
	}
	return v
}

// companyEnds are the characters a company's or an office's name ends in (有限公司, 厂, 中心,
// 合作社, 商店, 事务所, 医院, 车队, 农场, 加油站, 经营部, 银行, 协会, 学校, 幼儿园 …).
const companyEnds = "司厂局心社店所院队场站部行会校馆处团段园"

// UseNatures are the printed values of 使用性质 (CARDS.md §2.4).
var UseNatures = []string{"非营运", "营运", "货运", "公路客运", "旅游客运", "出租客运", "租赁", "危化品运输",
	"教练", "营转非", "出租转非", "警用", "消防", "救护", "工程救险", "幼儿校车", "小学生校车", "中小学生校车",
	"校车", "预约出租客运", "城市公交", "专用校车"}

// UseNature snaps the use character of a vehicle to the closed set of printed values.
func UseNature(rd Reading) Value {
	return closedValue(rd, UseNatures, "使用性质")
}

// Nationality reads the holder's nationality as printed; 中国 is the common case and the only
// one checked. A nationality is printed as a country's Chinese name: anything else (digits of
// the licence number above, a Latin fragment of the label) is not one.
func Nationality(rd Reading) Value {
	v := Text(rd, "国籍", "Nationality")
	for _, r := range v.Text {
		if !isHan(r) {
			return invalid(v.Text, v.Conf, "not a country name")
		}
	}
	if v.Text == "中国" {
		v.Valid = true
	} else if m, snapped, ok := snap(v.Text, []string{"中国"}); ok && snapped {
		return valid(m, min(v.Conf, capSnapped))
	}
	return v
}
