package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// surnames are common family names (all level 1), so that name lines look
// like names while the given name carries the character under test.
var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")

// compound surnames and minority-style names with the middle dot.
var compound = []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙"}

var (
	admin   = []string{"省", "市", "区", "县", "镇", "乡", "村", "街道", "社区"}
	streets = []string{"路", "街", "巷", "弄", "大道", "里"}
	tails   = []string{"号", "号楼", "栋", "单元", "室", "组"}
	// authority lines: 签发机关 on the ID back.
	authTails = []string{"公安局", "公安分局", "市公安局", "县公安局"}
)

// lineKind is the kind of synthetic line.
type lineKind int

const (
	nameLine lineKind = iota
	addressLine
	authorityLine
)

func (k lineKind) String() string {
	return [...]string{"name", "address", "authority"}[k]
}

// generator draws synthetic lines whose characters under test come from one
// level of the table.
type generator struct {
	rng    *rand.Rand
	levels [4][]rune // characters of each level available in the font
}

// pick returns a random character of level lv.
func (g *generator) pick(lv int) rune {
	l := g.levels[lv]
	return l[g.rng.IntN(len(l))]
}

// given draws n given-name characters with at least one of level lv and the
// rest from lv or level 1.
func (g *generator) chars(n, lv int) []rune {
	out := make([]rune, n)
	must := g.rng.IntN(n)
	for i := range out {
		if i == must || g.rng.IntN(2) == 0 {
			out[i] = g.pick(lv)
		} else {
			out[i] = g.pick(1)
		}
	}
	return out
}

// name returns a 2–4 character name whose given name holds a level-lv
// character; now and then a compound surname or a dotted minority name.
func (g *generator) name(lv int) string {
	var b strings.Builder
	switch r := g.rng.IntN(10); {
	case r == 0:
		b.WriteString(compound[g.rng.IntN(len(compound))])
		b.WriteString(string(g.chars(1+g.rng.IntN(2), lv)))
		return b.String()
	case r == 1:
		b.WriteString(string(g.chars(2, lv)))
		b.WriteRune('·')
		b.WriteString(string(g.chars(2, 1)))
		return b.String()
	}
	b.WriteRune(surnames[g.rng.IntN(len(surnames))])
	b.WriteString(string(g.chars(1+g.rng.IntN(2), lv)))
	return b.String()
}

// address returns an address line of at most 11 characters (one printed
// line of an ID card address), mixing place names built from level-lv
// characters with administrative words and house numbers.
func (g *generator) address(lv int) string {
	var parts []string
	switch g.rng.IntN(3) {
	case 0: // 某某区某某街道
		parts = append(parts, string(g.chars(2, lv))+admin[2+g.rng.IntN(len(admin)-2)])
		parts = append(parts, string(g.chars(2, lv))+admin[3+g.rng.IntN(len(admin)-3)])
	case 1: // 某某路123号
		parts = append(parts, string(g.chars(2+g.rng.IntN(2), lv))+streets[g.rng.IntN(len(streets))])
		parts = append(parts, strconv.Itoa(1+g.rng.IntN(1999))+tails[g.rng.IntN(len(tails))])
	default: // 某某村3组 / 某某小区5栋
		parts = append(parts, string(g.chars(2, lv))+"村")
		parts = append(parts, string(g.chars(2, lv))+strconv.Itoa(1+g.rng.IntN(30))+tails[g.rng.IntN(len(tails))])
	}
	s := []rune(strings.Join(parts, ""))
	if len(s) > 11 {
		s = s[:11]
	}
	return string(s)
}

// authority returns an issuing authority such as 宁波市公安局海曙分局 with
// level-lv place names.
func (g *generator) authority(lv int) string {
	s := string(g.chars(2, lv)) + authTails[g.rng.IntN(len(authTails))]
	if g.rng.IntN(2) == 0 {
		s += string(g.chars(2, lv)) + "分局"
	}
	return s
}
