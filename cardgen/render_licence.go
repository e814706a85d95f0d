package cardgen

import (
	"fmt"
	"math/rand/v2"
)

// Licence type sizes in fractions of the 818-px canvas height (60 mm).
const (
	licCNPx    = 0.040 // Chinese label line
	licENPx    = 0.024 // English label line below it
	licValuePx = 0.050 // office-printer values
)

// licence draws the shared parts of a licence page and returns a helper that prints
// bilingual labels with values beside them. The office printer shifts all values of a
// page together (±1.5 %) and each a little more (±1 %), as CARDS.md §1 describes.
type licence struct {
	p      *painter
	r      *rand.Rand
	dx, dy float64
	val    textStyle
}

func newLicence(p *painter, r *rand.Rand) *licence {
	return &licence{p: p, r: r, dx: jitter(r, 0.015), dy: jitter(r, 0.012),
		val: textStyle{role: RoleLicenceValue, px: licValuePx * p.h, col: inkBlack}}
}

// title prints the Chinese title with its English line below, inside b.
func (l *licence) title(cn, en string, b Box) {
	mid := b.Y0 + (b.Y1-b.Y0)*0.62
	l.p.label(cn, Box{b.X0, b.Y0, b.X1, mid}, textStyle{role: RoleTitle, col: inkBlack}, true)
	l.p.label(en, Box{b.X0 + 0.03, mid + 0.005, b.X1 - 0.03, b.Y1}, textStyle{role: RoleLatin, col: inkBlack}, false)
}

// label prints cn above en in b and returns the vertical centre of b in pixels, the
// line on which the value is printed.
func (l *licence) label(cn, en string, b Box) float64 {
	p := l.p
	if en == "" {
		p.label(cn, b, textStyle{role: RoleLicenceLabel, px: licCNPx * p.h, col: inkBlack}, true)
		return (b.Y0 + b.Y1) / 2 * p.h
	}
	mid := b.Y0 + (b.Y1-b.Y0)*0.58
	p.label(cn, Box{b.X0, b.Y0, b.X1, mid}, textStyle{role: RoleLicenceLabel, px: licCNPx * p.h, col: inkBlack}, true)
	en1 := textStyle{role: RoleLatin, px: licENPx * p.h, col: inkBlack}
	en1 = p.fit(en1, en, (b.X1-b.X0)*p.w*1.15)
	p.draw(en1, b.X0*p.w, p.baseline(en1, (mid+b.Y1)/2*p.h), en)
	return (b.Y0 + b.Y1) / 2 * p.h
}

// value prints s at x (fraction) centred on cy (pixels), shifted by the page and field jitter.
func (l *licence) value(key string, x, cy, maxX float64, s string) Box {
	p := l.p
	y := p.baseline(l.val, cy+(l.dy+jitter(l.r, 0.01))*p.h)
	return p.value(key, l.val, x+l.dx+jitter(l.r, 0.01), y, maxX+0.02, s)
}

// renderDriving draws the 驾驶证 正页 (CARDS.md §2.3). old selects the older page
// with 有效起始日期 and a term in years instead of a date range.
func renderDriving(p *painter, rec *Record, r *rand.Rand, old bool) {
	l := newLicence(p, r)
	p.portrait(Box{0.72, 0.42, 0.96, 0.90}, r)
	p.seal(Box{0.05, 0.52, 0.33, 0.82}, rec.DLAuthority, r.IntN(2) == 0)
	l.title("中华人民共和国机动车驾驶证", "Driving License of the People's Republic of China", Box{0.22, 0.035, 0.78, 0.15})

	cy := l.label("证号", "", Box{0.33, 0.165, 0.41, 0.205})
	l.value("licence_number", 0.44, cy, 0.82, rec.IDNumber)
	cy = l.label("姓名", "Name", Box{0.05, 0.24, 0.15, 0.34})
	l.value("name", 0.18, cy, 0.39, rec.Name)
	cy = l.label("性别", "Sex", Box{0.39, 0.24, 0.45, 0.34})
	l.value("sex", 0.47, cy, 0.57, rec.Sex)
	cy = l.label("国籍", "Nationality", Box{0.58, 0.24, 0.70, 0.34})
	l.value("nationality", 0.73, cy, 0.92, rec.Nationality)

	cy = l.label("住址", "Address", Box{0.05, 0.37, 0.15, 0.47})
	addr := []rune(rec.Address)
	if w := p.width(l.val, rec.Address); w > 0.76*p.w {
		cut := len(addr) * 2 / 3
		l.value("address", 0.18, cy-0.02*p.h, 0.95, string(addr[:cut]))
		l.value("address", 0.18, cy+0.045*p.h, 0.95, string(addr[cut:]))
	} else {
		l.value("address", 0.18, cy, 0.95, rec.Address)
	}

	cy = l.label("出生日期", "Date of Birth", Box{0.36, 0.54, 0.49, 0.64})
	l.value("birth_date", 0.51, cy, 0.73, rec.Birth.String())
	en := "Date of First Issue"
	if old {
		en = "Issue Date"
	}
	cy = l.label("初次领证日期", en, Box{0.36, 0.65, 0.53, 0.75})
	l.value("first_issue_date", 0.545, cy, 0.74, rec.FirstIssue.String())
	cy = l.label("准驾车型", "Class", Box{0.36, 0.77, 0.49, 0.86})
	l.value("classes", 0.51, cy, 0.70, rec.Classes)

	if !old {
		cy = l.label("有效期限", "Valid Period", Box{0.05, 0.85, 0.21, 0.95})
		b := l.value("valid_from", 0.23, cy, 0.75, rec.DLValidFrom.String()+" 至 "+rec.DLValidUntil.String())
		p.boxes["valid_until"] = b
		return
	}
	cy = l.label("有效起始日期", "Valid From", Box{0.05, 0.85, 0.21, 0.95})
	l.value("valid_from", 0.23, cy, 0.43, rec.DLValidFrom.String())
	cy = l.label("有效期限", "Valid For", Box{0.45, 0.85, 0.57, 0.95})
	term := LongTerm
	if rec.DLTermYears > 0 {
		term = fmt.Sprintf("%d年", rec.DLTermYears)
	}
	l.value("valid_until", 0.59, cy, 0.70, term)
}

// renderVehicle draws the 行驶证 正页 (CARDS.md §2.4). old selects the older form:
// 品牌型号 left and 使用性质 right, the engine row above the VIN, 注册登记日期.
func renderVehicle(p *painter, rec *Record, r *rand.Rand, old bool) {
	l := newLicence(p, r)
	p.seal(Box{0.05, 0.63, 0.27, 0.95}, rec.VehicleAuthority, false)
	l.title("中华人民共和国机动车行驶证", "Vehicle License of the People's Republic of China", Box{0.21, 0.07, 0.81, 0.18})

	row := func(key, cn, en string, lb Box, vx, vmax float64, s string) {
		cy := l.label(cn, en, lb)
		p.dottedLine(vx*p.w, vmax*p.w, (lb.Y1+0.012)*p.h, 0.006*p.w, 0.0012*p.w, inkDotLine)
		l.value(key, vx+0.01, cy, vmax, s)
	}
	row("plate_number", "号牌号码", "Plate No.", Box{0.05, 0.21, 0.15, 0.27}, 0.155, 0.45, rec.Plate)
	row("vehicle_type", "车辆类型", "Vehicle Type", Box{0.46, 0.21, 0.56, 0.27}, 0.565, 0.97, rec.VehicleType)
	row("owner", "所有人", "Owner", Box{0.05, 0.32, 0.14, 0.39}, 0.155, 0.97, rec.Owner)
	row("address", "住址", "Address", Box{0.05, 0.43, 0.12, 0.50}, 0.155, 0.97, rec.OwnerAddress)
	vinY, engY := Box{0.29, 0.65, 0.45, 0.72}, Box{0.29, 0.76, 0.42, 0.82}
	regLabel := "注册日期"
	if old {
		row("brand_model", "品牌型号", "Model", Box{0.05, 0.53, 0.15, 0.60}, 0.165, 0.50, rec.BrandModel)
		row("use_nature", "使用性质", "Use Character", Box{0.51, 0.54, 0.62, 0.60}, 0.625, 0.97, rec.UseNature)
		vinY, engY = Box{0.29, 0.76, 0.45, 0.82}, Box{0.29, 0.65, 0.42, 0.72}
		regLabel = "注册登记日期"
	} else {
		row("use_nature", "使用性质", "Use Character", Box{0.05, 0.53, 0.16, 0.60}, 0.165, 0.39, rec.UseNature)
		row("brand_model", "品牌型号", "Model", Box{0.39, 0.54, 0.49, 0.60}, 0.495, 0.97, rec.BrandModel)
	}
	row("vin", "车辆识别代号", "VIN", vinY, 0.455, 0.97, rec.VIN)
	row("engine_number", "发动机号码", "Engine No.", engY, 0.425, 0.97, rec.EngineNumber)
	regBox := Box{0.29, 0.87, 0.40, 0.93}
	if old {
		regBox.X1 = 0.43
	}
	row("register_date", regLabel, "Register Date", regBox, regBox.X1+0.005, 0.64, rec.RegisterDate.String())
	row("issue_date", "发证日期", "Issue Date", Box{0.65, 0.87, 0.76, 0.93}, 0.765, 0.97, rec.IssueDate.String())
}
