package cardgen

import (
	"fmt"
	"math/rand/v2"
)

// ID card type sizes in fractions of the 757-px canvas height (54 mm): 6号 labels
// (7.5 pt), 5号 name (≈11 pt as printed), 小5号 values (9 pt), OCR-B number.
const (
	idLabelPx  = 0.048
	idNamePx   = 0.068
	idValuePx  = 0.059
	idNumberPx = 0.066
	idPitch    = 0.081 // address line pitch
	idLineLen  = 11    // address characters per line
)

// renderIDFront draws the 人像面 (CARDS.md §2.1).
func renderIDFront(p *painter, rec *Record, r *rand.Rand) {
	// The card printer is precise: a fraction of a percent of drift per card.
	dx, dy := jitter(r, 0.003), jitter(r, 0.003)
	p.portrait(Box{0.62, 0.12, 0.94, 0.74}, r)

	lab := textStyle{role: RoleIDLabel, px: idLabelPx * p.h, col: inkIDBlue}
	val := textStyle{role: RoleIDValue, px: idValuePx * p.h, col: inkBlack}
	name := textStyle{role: RoleIDValue, px: idNamePx * p.h, col: inkBlack}

	y := p.label("姓名", Box{0.08, 0.16, 0.16, 0.20}, lab, true)
	p.value("name", name, 0.18+dx, y+dy*p.h, 0.62, rec.Name)

	y = p.label("性别", Box{0.08, 0.27, 0.16, 0.32}, lab, true)
	p.value("sex", val, 0.18+dx, y+dy*p.h, 0.28, rec.Sex)
	p.label("民族", Box{0.29, 0.27, 0.38, 0.32}, lab, true)
	p.value("ethnicity", val, 0.39+dx, y+dy*p.h, 0.60, rec.Ethnicity)

	// Birth: 出生 and the pre-printed 年 月 日 are blue; the digits are black and sit
	// right-aligned before each unit, as the card printer fills fixed slots.
	y = p.label("出生", Box{0.08, 0.39, 0.16, 0.43}, lab, true)
	units := lab
	units.px = val.px * 0.9
	yy := y + dy*p.h
	p.value("birth_date", val, 0.18+dx, yy, 0.27, fmt.Sprintf("%04d", rec.Birth.Y))
	p.draw(units, 0.275*p.w, y, "年")
	p.valueRight("birth_date", val, 0.375+dx, yy, fmt.Sprint(rec.Birth.M))
	p.draw(units, 0.385*p.w, y, "月")
	p.valueRight("birth_date", val, 0.485+dx, yy, fmt.Sprint(rec.Birth.D))
	p.draw(units, 0.495*p.w, y, "日")

	y = p.label("住址", Box{0.08, 0.50, 0.16, 0.54}, lab, true)
	addr := []rune(rec.Address)
	for i := 0; i*idLineLen < len(addr); i++ {
		line := string(addr[i*idLineLen : min((i+1)*idLineLen, len(addr))])
		st := val
		st.tracking = 0.004 * p.w
		p.value("address", st, 0.18+dx, y+(dy+float64(i)*idPitch)*p.h, 0.64, line)
	}

	y = p.label("公民身份号码", Box{0.08, 0.81, 0.31, 0.85}, lab, true)
	num := textStyle{role: RoleIDNumber, px: idNumberPx * p.h, col: inkBlack}
	// Wide tracking: the 18 characters span about 0.34–0.93 of the width.
	num.tracking = (0.59*p.w - p.width(num, rec.IDNumber)) / 17
	p.value("id_number", num, 0.34+dx, y+dy*p.h, 0.96, rec.IDNumber)
}

// renderIDBack draws the 国徽面 (CARDS.md §2.2).
func renderIDBack(p *painter, rec *Record, r *rand.Rand) {
	dx, dy := jitter(r, 0.003), jitter(r, 0.003)
	p.emblem(Box{0.05, 0.12, 0.24, 0.40})
	title := textStyle{role: RoleTitle, col: inkBlack}
	p.label("中华人民共和国", Box{0.35, 0.13, 0.88, 0.21}, title, true)
	p.label("居民身份证", Box{0.31, 0.29, 0.92, 0.40}, title, true)

	lab := textStyle{role: RoleIDLabel, px: idLabelPx * p.h, col: inkBlack}
	val := textStyle{role: RoleIDValue, px: idValuePx * p.h * 1.1, col: inkBlack}
	y := p.label("签发机关", Box{0.24, 0.72, 0.37, 0.76}, lab, true)
	p.value("authority", val, 0.39+dx, y+dy*p.h, 0.95, rec.Authority)
	y = p.label("有效期限", Box{0.24, 0.84, 0.37, 0.88}, lab, true)
	b := p.value("valid_from", val, 0.39+dx, y+dy*p.h, 0.95, rec.IDValidFrom.dotted()+"-"+rec.IDValidUntil.dotted())
	p.boxes["valid_until"] = b
}

// valueRight draws s ending at x (fraction), for digits filled into fixed slots.
func (p *painter) valueRight(key string, st textStyle, x, y float64, s string) {
	p.value(key, st, x-p.width(st, s)/p.w, y, 1, s)
}
