package fields

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// capVINRepair is lower than capRepaired: unlike an ID number, nothing else on the page
// confirms a VIN repair, and a wrong candidate passes a mod-11 check one time in eleven.
const capVINRepair = 0.75

// vinConfusable lists what a VIN character may have been misread from, for the
// single-substitution repair.
var vinConfusable = map[byte]string{
	'0': "8D", '1': "7L", '3': "58", '5': "38S", '6': "8G", '7': "1", '8': "0356B",
	'S': "5", 'B': "8", 'Z': "2", '2': "Z", 'G': "6", 'D': "0", 'T': "1", 'L': "1",
}

// VIN reads a 17-character vehicle identification number. I, O and Q cannot occur and become
// 1, 0 and 0; a failing check digit is repaired only by a unique single substitution at a
// low-confidence position (CARDS.md §4).
func VIN(rd Reading) Value {
	g := toGlyphs(rd).mapRunes(Width).filter(func(r rune) bool { return !isSpace(r) && r != '-' })
	g = g.trimLabels("车辆识别代号", "VIN")
	g = g.mapRunes(func(r rune) rune {
		switch r = unicode.ToUpper(r); r {
		case 'I':
			return '1'
		case 'O', 'Q':
			return '0'
		}
		return r
	})
	s, c := g.String(), g.conf()
	if len(g) == 18 && len(s) == 18 {
		// One character too many: a speck or the end of the label before the number, the
		// card's edge after it, one character read twice, or a doubtful one read between two.
		if v, ok := vinWithout(g); ok {
			return Value{Text: v, Conf: min(c, capVINRepair), Valid: true, Problem: "extra character removed"}
		}
	}
	if len(g) == 16 && len(s) == 16 && ident.ValidateVIN(chinaWMI+s) == nil {
		// The first letter lost to the label's end (J16… for LJ16…): every vehicle made in
		// China has a VIN beginning with L, and the check digit confirms it.
		return Value{Text: chinaWMI + s, Conf: min(c, capVINRepair), Valid: true, Problem: "first letter restored"}
	}
	if len(g) != 17 || len(s) != 17 {
		return invalid(s, c, "not 17 characters")
	}
	if s == strings.Repeat(s[:1], 17) {
		return invalid(s, c, "degenerate VIN")
	}
	err := ident.ValidateVIN(s)
	if err == nil {
		return valid(s, c)
	}
	b := []byte(s)
	var found []string
	for i := range b {
		if g[i].c >= repairBelow {
			continue
		}
		orig := b[i]
		alts := vinConfusable[orig]
		if i == 0 && !strings.Contains(alts+string(orig), chinaWMI) {
			// Every vehicle made in China has a VIN beginning with L, whatever it was read as.
			alts += chinaWMI
		}
		for _, alt := range alts {
			b[i] = byte(alt)
			if ident.ValidateVIN(string(b)) == nil {
				found = append(found, string(b))
			}
		}
		b[i] = orig
	}
	if v, ok := onlyOne(found); ok {
		return Value{Text: v, Conf: min(c, capVINRepair), Valid: true, Problem: "check digit repair"}
	}
	return invalid(s, c, "fails validation: "+err.Error())
}

// chinaWMI is the first character of the world manufacturer identifier of every vehicle made
// in China (ISO 3780 region L).
const chinaWMI = "L"

// vinWithout returns the unique valid VIN that g (18 characters) gives without one stray
// character (see strayDropped) or one doubtful character. The check digit passes a wrong
// candidate one time in eleven, and of the eighteen one or two often do: of several, the only
// one that begins with L, as the VIN of every vehicle made in China does, is taken (3LJ16RAD…,
// the label's 号 read as 3 before LJ16RAD…, also gives 3J16RAD… and 3LJ1RAD…).
func vinWithout(g glyphs) (string, bool) {
	s := g.String()
	cands := strayDropped(s)
	for i := range g {
		if v := s[:i] + s[i+1:]; g[i].c < repairBelow && !slices.Contains(cands, v) {
			cands = append(cands, v)
		}
	}
	var found, china []string
	for _, v := range cands {
		if ident.ValidateVIN(v) == nil {
			found = append(found, v)
			if strings.HasPrefix(v, chinaWMI) {
				china = append(china, v)
			}
		}
	}
	if v, ok := onlyOne(found); ok {
		return v, true
	}
	return onlyOne(china)
}

// plateSeparators are the dots and dashes printed or misread between province+letter and serial.
const plateSeparators = "·•・.．-—_ "

// Plate reads a number plate without its separator dot. I and O do not occur on plates, so in
// the serial they are read as 1 and 0. The plate starts at a province character: whatever was
// read before it (the end of the label 号牌号码, a speck) and after its last character is left
// out, at a lower confidence. It is PlateBoth without the Latin read.
func Plate(rd Reading) Value { return PlateBoth(rd, Reading{}) }

// PlateBoth reads a plate as Plate does from rd, the Chinese read of the region, the only one
// that can hold the province character. serial, when not empty, is a second read of the same
// region by the Latin model with a plate whitelist (CARDS.md §4: letters and digits read best
// so): the Chinese model confuses the serial's letters and digits, so a serial both reads give
// alike is confirmed by two models, and one they disagree on takes the more confident reading
// at a doubtful confidence.
func PlateBoth(rd, serial Reading) Value {
	g := plateGlyphs(rd)
	base, at := plateIn(g)
	if serial.Text == "" || at < 0 {
		return base
	}
	latin := plateGlyphs(serial)
	lengths := []int{len(g) - at - 1}
	if base.Valid {
		lengths = []int{len([]rune(base.Text)) - 1}
	}
	for _, n := range lengths {
		if n < 6 || n > 7 || len(latin) < n || at+1+n > len(g) {
			continue
		}
		if base.Valid && differing(g[at+1:at+1+n], latin[len(latin)-n:]) > 1 {
			// Two reads that differ in more than one place were not lined up (the Latin
			// read lost a character and took the province for another): the Chinese read
			// stands, unconfirmed.
			return Value{Text: base.Text, Conf: min(base.Conf, capSnapped), Valid: true, Problem: "the Latin read differs in more than one place"}
		}
		p := glyphs{g[at]}
		for j, l := range latin[len(latin)-n:] {
			d := g[at+1+j]
			switch {
			case d.r == l.r:
				p = append(p, glyph{l.r, agreement(d.c, l.c)})
			case d.c > l.c:
				p = append(p, glyph{d.r, min(d.c, capInvalid)})
			default:
				p = append(p, glyph{l.r, min(l.c, capInvalid)})
			}
		}
		mapSerial(p)
		if _, err := ident.ParsePlate(p.String()); err != nil {
			continue
		}
		c := p.conf()
		if at+1+n < len(g) || len(latin) > n+2 {
			// Characters beyond the plate in either read: the region was not clean.
			c = min(c, capRepaired)
		}
		return valid(p.String(), c)
	}
	// The Chinese read lost one character of the serial (浙J08641 read 浙08641, the province
	// and the J taken for one character) or gained one (浙136P082 for 浙B6P082, a serif B's
	// stem apart from its bowls): the Latin read alone gives the serial, one longer or
	// shorter, which no second read confirms. (Its own length does not tell: what it makes
	// of the province varies, and the last seven characters of a plate may pass as a
	// new-energy serial.)
	for _, n := range []int{len(g) - at, len(g) - at - 2} {
		if base.Valid || n < 6 || n > 7 || len(latin) < n {
			continue
		}
		p := append(glyphs{g[at]}, latin[len(latin)-n:]...)
		mapSerial(p)
		if _, err := ident.ParsePlate(p.String()); err == nil {
			return valid(p.String(), min(p.conf(), capSnapped))
		}
	}
	return base
}

// differing counts the places where a and b, as long, hold different characters.
func differing(a, b glyphs) int {
	n := 0
	for i := range a {
		if a[i].r != b[i].r {
			n++
		}
	}
	return n
}

// plateGlyphs is a plate reading without spaces and separators, upper case.
func plateGlyphs(rd Reading) glyphs {
	g := toGlyphs(rd).mapRunes(Width).filter(func(r rune) bool {
		return !isSpace(r) && !strings.ContainsRune(plateSeparators, r)
	})
	g = g.trimLabels("号牌号码").mapRunes(unicode.ToUpper)
	for i := range g[:max(0, len(g)-1)] {
		if g[i].r == '折' && plateLetter(g[i+1].r) {
			// 折 is no province: it is the right part of 浙, whose 氵 a font spacing the two
			// wide leaves apart, read as a character of its own (3折, 码折) or lost. 浙 was
			// not read but inferred: the plate is not settled.
			g[i] = glyph{'浙', min(g[i].c, capInvalid)}
		}
	}
	return g
}

// plateLetter reports whether r may follow a plate's province: a letter other than I and O.
func plateLetter(r rune) bool { return r >= 'A' && r <= 'Z' && r != 'I' && r != 'O' }

// mapSerial reads I and O after the province and letter as 1 and 0: plates have neither.
func mapSerial(p glyphs) {
	for j := 2; j < len(p); j++ {
		switch p[j].r {
		case 'I':
			p[j].r = '1'
		case 'O':
			p[j].r = '0'
		}
	}
}

// plateIn finds the plate in g from its first province character on, and returns it with the
// index of that character (-1 when there is none).
func plateIn(g glyphs) (Value, int) {
	at := -1
	for i := range g {
		if !strings.ContainsRune(ident.PlateProvinces, g[i].r) {
			continue
		}
		if at < 0 {
			at = i
		}
		for _, n := range []int{8, 7} {
			if i+n > len(g) {
				continue
			}
			p := append(glyphs(nil), g[i:i+n]...)
			mapSerial(p)
			if _, err := ident.ParsePlate(p.String()); err != nil {
				continue
			}
			c := p.conf()
			if n < len(g) {
				c = min(c, capRepaired)
			}
			return valid(p.String(), c), i
		}
	}
	s, c := g.String(), g.conf()
	_, err := ident.ParsePlate(s)
	if err == nil {
		err = fmt.Errorf("no province character")
	}
	return invalid(s, c, "not a plate: "+err.Error()), at
}

// Classes reads the licence classes as printed (`C1`, `A2D`), with the one fixed misreading of
// 1 after C (`C工`, `Cl`, `CI`) repaired because the grammar admits nothing else there.
func Classes(rd Reading) Value {
	g := toGlyphs(rd).mapRunes(Width).filter(func(r rune) bool { return !isSpace(r) })
	g = g.trimLabels("准驾车型", "Class")
	g = g.mapRunes(unicode.ToUpper)
	for i := 1; i < len(g); i++ {
		if g[i-1].r == 'C' && strings.ContainsRune("工L|I丨", g[i].r) {
			g[i].r = '1'
		}
	}
	s, c := g.String(), g.conf()
	if _, err := ident.ParseClasses(s); err != nil {
		return invalid(s, c, "not licence classes: "+err.Error())
	}
	return valid(s, c)
}

// EngineNumber reads an engine number: letters and digits as printed. Nothing but its length
// can check it.
func EngineNumber(rd Reading) Value {
	g := toGlyphs(rd).mapRunes(Width).filter(func(r rune) bool { return !isSpace(r) })
	g = g.trimLabels("发动机号码", "Engine", "No.")
	g = g.mapRunes(unicode.ToUpper)
	s, c := g.String(), g.conf()
	// Engine numbers run from 6 to about 20 characters; fewer is a number cut short by the
	// crop or the light.
	if len(g) < 6 {
		return invalid(s, c, "too short")
	}
	for _, x := range g {
		if !(x.r >= 'A' && x.r <= 'Z' || isDigit(x.r)) {
			return invalid(s, c, "not letters and digits")
		}
	}
	// A single read that no check can confirm: blur doubles or drops a character (PP1C… for
	// P1C…) at full confidence, so it is never settled on its own.
	return Value{Text: s, Conf: min(c, capUnverified)}
}

// VehicleBrands are brands of vehicles registered in China as a 行驶证 prints them before 牌
// (the Chinese brand of the manufacturer's product announcement): the common ones of cars,
// vans, lorries and buses. The list is not closed: a brand not on it is read as printed.
var VehicleBrands = strings.Fields(`
大众 大众汽车 斯柯达 奥迪 一汽 红旗 奔腾 解放 丰田 本田 日产 启辰 英菲尼迪 马自达 三菱 铃木
斯巴鲁 雷克萨斯 讴歌 别克 雪佛兰 凯迪拉克 福特 林肯 宝马 奔驰 现代 北京现代 起亚 标致
雪铁龙 雷诺 沃尔沃 路虎 捷豹 保时捷 特斯拉 吉利 吉利汽车 领克 极氪 几何 长安 长安欧尚 长城
哈弗 坦克 欧拉 奇瑞 星途 捷途 比亚迪 腾势 荣威 名爵 上汽大通 大通 五菱 宝骏 传祺 广汽 埃安
东风 风神 风行 风光 岚图 江淮 江铃 福田 欧曼 欧马可 奥铃 豪沃 中国重汽 重汽 汕德卡 豪瀚
陕汽 红岩 依维柯 金杯 金龙 金旅 海格 宇通 中通 安凯 北汽 北京 东南 海马 众泰 力帆 猎豹
华晨 中华 蔚来 理想 小鹏 哪吒 零跑 问界 赛力斯 智己 飞凡 极狐 小米 乘龙 柳汽 大运 庆铃
五十铃 凯马 唐骏 时代 跃进 华菱 北奔 集瑞 徐工 三一 斯太尔 黄河 开瑞 凯翼 昌河`)

// BrandModel normalises a vehicle's brand and model, the brand's name and 牌 before the
// model's code (大众汽车牌SVW71810AJ). The code is letters and digits (GB/T 9417): what follows
// its last letter or digit is the start of the next label, run into the value on the older form
// (EX8使用性质 read EX8使, EX8|), and is left out. The code's last character may have been cut
// with it, so the value is not settled. A brand's name begins with a character or a letter:
// marks before it (a speck read as a quote, the label's last stroke as a bracket) are left out,
// and so is the label's last character 号 read before a brand of two characters or more (no
// brand begins with it).
func BrandModel(rd Reading) Value {
	rd, cut := unreadBeforeBrand(rd)
	rd, twin := withoutCaseTwins(rd)
	v := Text(rd, "品牌型号")
	if cut || twin {
		v.Conf = min(v.Conf, capSnapped)
	}
	v.Text = strings.TrimLeftFunc(v.Text, func(r rune) bool { return !isHan(r) && !isCodeChar(r) })
	if i := strings.Index(v.Text, "牌"); i > 0 && strings.HasPrefix(v.Text, "号") && utf8.RuneCountInString(v.Text[:i]) >= 3 {
		v.Text = strings.TrimPrefix(v.Text, "号")
	}
	rs := []rune(v.Text)
	i := strings.LastIndex(v.Text, "牌")
	if i < 0 {
		return v
	}
	brand := utf8.RuneCountInString(v.Text[:i]) + 1
	end := len(rs)
	for end > brand && !isCodeChar(rs[end-1]) {
		end--
	}
	modelDigits(rs[brand:end])
	// GB 9417 leaves I and O out of model codes, lest they be taken for 1 and 0: read in a
	// code, they are those digits (HE1 read HEI, a serif 1's foot against the next label).
	for i := brand; i < end; i++ {
		switch rs[i] {
		case 'I':
			rs[i] = '1'
		case 'O':
			rs[i] = '0'
		}
	}
	if end == len(rs) || end == brand {
		v.Text = string(rs)
		return v
	}
	return Value{Text: string(rs[:end]), Conf: min(v.Conf, capSnapped)}
}

// unreadConf is the confidence below which a character was read by neither recogniser: each
// took it for a different character and was unsure of its own (a label's 号 with a sliver of 型
// before it, read 虽 and 崿).
const unreadConf = 0.2

// unreadBeforeBrand leaves out the characters before a listed brand that neither recogniser
// read (旺比亚迪牌 for 比亚迪牌: the end of the label 号 caught in the crop), when with them the
// name before 牌 is no listed brand. It reports whether it left any out: the value is then not
// settled, for a brand off the list may have begun with a character printed too faintly to read.
func unreadBeforeBrand(rd Reading) (Reading, bool) {
	rs := []rune(rd.Text)
	at := slices.Index(rs, '牌')
	if at < 0 || len(rd.Conf) != len(rs) || slices.Contains(VehicleBrands, string(rs[:at])) {
		return rd, false
	}
	for k := 0; k < at && rd.Conf[k] < unreadConf; k++ {
		if slices.Contains(VehicleBrands, string(rs[k+1:at])) {
			return Reading{Text: string(rs[k+1:]), Conf: rd.Conf[k+1:], Arbitrated: rd.Arbitrated}, true
		}
	}
	return rd, false
}

// withoutCaseTwins leaves out a small letter read beside the same letter as a capital (AJ read
// AjJ: Tesseract, given one unclear piece of ink, emitted its letter twice, once in each case).
// A model's code is capitals and digits: the small letter is no character of its own. It
// reports whether it left any out; the value is then not settled.
func withoutCaseTwins(rd Reading) (Reading, bool) {
	rs := []rune(rd.Text)
	if len(rd.Conf) != len(rs) {
		return rd, false
	}
	out := Reading{Conf: make([]float64, 0, len(rs)), Arbitrated: rd.Arbitrated}
	var b strings.Builder
	twin := false
	for i, r := range rs {
		upper := unicode.ToUpper(r)
		if r != upper && (i > 0 && rs[i-1] == upper || i+1 < len(rs) && rs[i+1] == upper) {
			twin = true
			continue
		}
		b.WriteRune(r)
		out.Conf = append(out.Conf, rd.Conf[i])
	}
	out.Text = b.String()
	return out, twin
}

// modelDigits reads as digits the letters in the four places of a model's code that GB 9417
// gives to digits: after the maker's code of two or three letters, the vehicle's class, two of
// its main parameter and the product's serial (DFH5180…, SGM7151…). A letter there is a digit's
// look-alike (DFHS180: S for 5; SGM715I: I for 1). Where one has none, the code is left as read.
func modelDigits(code []rune) {
	letters := 0
	for letters < len(code) && code[letters] >= 'A' && code[letters] <= 'Z' {
		letters++
	}
	if letters < 2 {
		return
	}
	at := min(letters, 3)
	if at+4 > len(code) {
		return
	}
	digits := slices.Clone(code[at : at+4])
	for i, r := range digits {
		if isDigit(r) {
			continue
		}
		if d := digitFix(r); r >= 'A' && r <= 'Z' && isDigit(d) {
			digits[i] = d
			continue
		}
		return
	}
	copy(code[at:], digits)
}

// isCodeChar reports whether r may be part of a model's code: an upper-case Latin letter or a
// digit.
func isCodeChar(r rune) bool { return r >= 'A' && r <= 'Z' || isDigit(r) }
