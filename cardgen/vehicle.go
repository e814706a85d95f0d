package cardgen

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// vinAlphabet is the ISO 3779 character set: no I, O, Q.
const vinAlphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"

// vinCheck returns the ISO 3779 check character of a VIN the generator built from its own
// alphabet (position 9 ignored).
func vinCheck(vin string) byte {
	c, err := ident.VINCheckChar(vin)
	if err != nil {
		panic("cardgen: " + err.Error())
	}
	return c
}

const plateLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ" // GA 36: no I, O

func plate(r *rand.Rand, newEnergy bool) string {
	city := "浙B"
	if r.IntN(8) == 0 {
		city = "浙" + string(plateLetters[r.IntN(12)])
	}
	if newEnergy {
		tail := fmt.Sprintf("%04d", r.IntN(10000))
		return city + string("DF"[r.IntN(2)]) + string((plateLetters + "0123456789")[r.IntN(34)]) + tail
	}
	b := []byte(fmt.Sprintf("%05d", r.IntN(100000)))
	for i := 0; i < r.IntN(3); i++ {
		b[r.IntN(4)] = plateLetters[r.IntN(len(plateLetters))]
	}
	return city + string(b)
}

func vin(r *rand.Rand, m vehicleModel, year int, inv Invalid) string {
	yc := byte('A')
	if i := year - 2010; i >= 0 && i < len(vinYearCodes) {
		yc = vinYearCodes[i]
	}
	b := []byte(m.wmi + m.vds + "0" + string(yc) + string(vinAlphabet[r.IntN(len(vinAlphabet))]) + fmt.Sprintf("%06d", r.IntN(1000000)))
	b[8] = vinCheck(string(b))
	if inv == InvalidVINCheck {
		const checks = "0123456789X"
		i := strings.IndexByte(checks, b[8])
		b[8] = checks[(i+1+r.IntN(10))%11]
	}
	return string(b)
}

func engineNumber(r *rand.Rand) string {
	const alnum = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
	var b strings.Builder
	for i := 0; i < 3; i++ {
		b.WriteByte(alnum[r.IntN(len(alnum))])
	}
	fmt.Fprintf(&b, "%06d", r.IntN(1000000))
	return b.String()
}

// vehicle fills the 行驶证 part of rec.
func vehicle(r *rand.Rand, rec *Record, opt RecordOptions) {
	m := pick(r, vehicleModels)
	rec.VehicleType, rec.UseNature, rec.BrandModel = m.vtype, m.use, m.brand
	rec.Plate = plate(r, strings.HasPrefix(m.brand, "比亚迪"))
	rec.Owner, rec.OwnerAddress = rec.Name, rec.Address
	if m.use != "非营运" || r.IntN(6) == 0 {
		rec.Owner = pick(r, companyHeads) + pick(r, companySuffixes[m.use])
		rec.OwnerAddress = address(r, districts[r.IntN(6)])
	}
	// Registered 30 days to 12 years ago, never before 2010 (VIN year codes start there).
	span := int(opt.Now.time().Sub(Date{Y: 2010, M: 1, D: 1}.time()).Hours() / 24)
	span = min(span, 12*365) - 30
	rec.RegisterDate = opt.Now.addDays(-30 - r.IntN(span))
	rec.IssueDate = rec.RegisterDate
	if r.IntN(3) == 0 { // transfer or replacement: issued later than registered
		days := int(opt.Now.time().Sub(rec.RegisterDate.time()).Hours()/24) - 1
		rec.IssueDate = rec.RegisterDate.addDays(1 + r.IntN(max(days, 1)))
	}
	rec.VIN = vin(r, m, rec.RegisterDate.Y, opt.Invalid)
	rec.EngineNumber = engineNumber(r)
	rec.VehicleAuthority = rec.DLAuthority
}

// Fields returns the normalised ground truth of the card kind, keyed as in CARDS.md §2.
func (rec *Record) Fields(k Kind) map[string]string {
	switch k {
	case IDFront:
		return map[string]string{"name": rec.Name, "sex": rec.Sex, "ethnicity": rec.Ethnicity,
			"birth_date": rec.Birth.String(), "address": rec.Address, "id_number": rec.IDNumber}
	case IDBack:
		return map[string]string{"authority": rec.Authority, "valid_from": rec.IDValidFrom.String(),
			"valid_until": rec.IDValidUntil.String()}
	case DrivingLicence:
		return map[string]string{"licence_number": rec.IDNumber, "name": rec.Name, "sex": rec.Sex,
			"nationality": rec.Nationality, "address": rec.Address, "birth_date": rec.Birth.String(),
			"first_issue_date": rec.FirstIssue.String(), "classes": rec.Classes,
			"valid_from": rec.DLValidFrom.String(), "valid_until": rec.DLValidUntil.String()}
	case VehicleLicence:
		return map[string]string{"plate_number": rec.Plate, "vehicle_type": rec.VehicleType,
			"owner": rec.Owner, "address": rec.OwnerAddress, "use_nature": rec.UseNature,
			"brand_model": rec.BrandModel, "vin": rec.VIN, "engine_number": rec.EngineNumber,
			"register_date": rec.RegisterDate.String(), "issue_date": rec.IssueDate.String()}
	}
	return nil
}
