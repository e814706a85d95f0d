package ocr

import "github.com/xiaozhi-kiosk/xiaozhi/kiosk"

// Canvas sizes of the rectified card (CARDS.md §1): 1200 px wide keeps glyphs 30–40 px tall.
const (
	canvasW        = 1200
	canvasHID      = 757
	canvasHLicence = 818
)

// region is where one value is printed, as fractions of the canvas (CARDS.md §2), and how to
// read it. Regions are searched with padding and trimmed to the value's own ink, so the
// fractions need only be right to within a few percent.
type region struct {
	key            string
	x0, y0, x1, y1 float64
	req            request
	lines          int     // most lines the value may take
	padRight       float64 // search margin on the right when not pad (the ID photo is close)
}

// Whitelists for Latin reads.
const (
	wlDigits  = "0123456789"
	wlID      = "0123456789X"
	wlDate    = "0123456789-."
	wlClasses = "ABCDEFMNP123456"
	wlVIN     = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
	wlEngine  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	// Plates have no I or O (GA 36); 挂学警 and the province are left to the Chinese read.
	wlPlate = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
)

var (
	han  = request{script: scriptHan}
	free = request{script: scriptHan, glyph: true}
	// Addresses: free text whose house numbers are read again as digits.
	addr      = request{script: scriptHan, glyph: true, digits: true}
	addrBlock = request{script: scriptHan, block: true, glyph: true, digits: true}
)

func latin(wl string) request { return request{script: scriptLatin, whitelist: wl} }

// labelled is a Latin read of a value printed right after its label.
func labelled(wl, label string) request {
	return request{script: scriptLatin, whitelist: wl, label: label}
}

// layouts lists the value regions of each kind. "validity" is the line that carries both
// valid_from and valid_until.
var layouts = map[kiosk.DocKind][]region{
	kiosk.KindIDCardFront: {
		{"name", 0.18, 0.12, 0.62, 0.22, free, 1, 0.008},
		{"sex", 0.18, 0.24, 0.30, 0.33, free, 1, 0},
		{"ethnicity", 0.39, 0.24, 0.60, 0.33, free, 1, 0},
		// Blue 年月日 vanish in the value channel, leaving digit groups for a digit read.
		{"birth_date", 0.18, 0.36, 0.62, 0.45, latin(wlDigits), 1, 0},
		{"address", 0.18, 0.48, 0.64, 0.78, addrBlock, 3, 0.008},
		{"id_number", 0.33, 0.78, 0.96, 0.89, latin(wlID), 1, 0},
	},
	kiosk.KindIDCardBack: {
		{"authority", 0.39, 0.68, 0.95, 0.78, free, 1, 0},
		{"validity", 0.39, 0.81, 0.95, 0.90, latin(wlDate), 1, 0},
	},
	kiosk.KindDrivingLicence: {
		{"licence_number", 0.43, 0.15, 0.82, 0.22, labelled(wlID, "证号"), 1, 0},
		{"name", 0.17, 0.24, 0.39, 0.34, free, 1, 0},
		{"sex", 0.46, 0.24, 0.57, 0.34, free, 1, 0},
		{"nationality", 0.72, 0.24, 0.92, 0.34, free, 1, 0},
		{"address", 0.17, 0.36, 0.95, 0.52, addrBlock, 2, 0},
		{"birth_date", 0.50, 0.54, 0.73, 0.64, labelled(wlDate, "出生日期"), 1, 0},
		{"first_issue_date", 0.53, 0.65, 0.74, 0.75, labelled(wlDate, "初次领证日期"), 1, 0},
		{"classes", 0.50, 0.77, 0.70, 0.87, labelled(wlClasses, "准驾车型"), 1, 0},
		{"validity", 0.22, 0.85, 0.75, 0.95, latin(wlDate), 1, 0},
	},
	kiosk.KindVehicleLicence: {
		{"plate_number", 0.15, 0.19, 0.45, 0.29, free, 1, 0},
		{"plate_number", 0.15, 0.19, 0.45, 0.29, labelled(wlPlate, "号牌码"), 1, 0}, // the serial again
		{"vehicle_type", 0.56, 0.19, 0.97, 0.29, free, 1, 0},
		{"owner", 0.15, 0.30, 0.97, 0.40, free, 1, 0},
		{"address", 0.15, 0.41, 0.97, 0.51, addr, 1, 0},
		{"use_nature", 0.16, 0.52, 0.39, 0.62, free, 1, 0},
		{"brand_model", 0.49, 0.52, 0.97, 0.62, free, 1, 0},
		{"vin", 0.45, 0.63, 0.97, 0.73, labelled(wlVIN, "车辆识别代号"), 1, 0},
		{"engine_number", 0.42, 0.74, 0.97, 0.84, labelled(wlEngine, "发动机号码"), 1, 0},
		{"register_date", 0.40, 0.85, 0.64, 0.95, labelled(wlDate, "注册日期"), 1, 0},
		{"issue_date", 0.76, 0.85, 0.97, 0.95, labelled(wlDate, "发证日期"), 1, 0},
	},
}

// canvasSize is the rectified size of a kind's family.
func canvasSize(k kiosk.DocKind) (w, h int) {
	if k == kiosk.KindIDCardFront || k == kiosk.KindIDCardBack {
		return canvasW, canvasHID
	}
	return canvasW, canvasHLicence
}
