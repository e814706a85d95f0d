package api

import (
	"slices"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
)

// mpSubmitRequest is the body of POST /api/v1/mp/cases/:id/submit: the request keys of
// SERVICES.md M08 and M09 (and of the other mini-program matters, which the rules check).
type mpSubmitRequest struct {
	PlateNumber    string   `json:"plate_number"`
	Zone           string   `json:"zone"`
	ValidFrom      string   `json:"valid_from"`
	ValidUntil     string   `json:"valid_until"`
	Date           string   `json:"date"`
	TimeFrom       string   `json:"time_from"`
	TimeTo         string   `json:"time_to"`
	UNClass        string   `json:"un_class"`
	CargoName      string   `json:"cargo_name"`
	Toxic          bool     `json:"toxic"`
	RouteZones     []string `json:"route_zones"`
	EscortIDNumber string   `json:"escort_id_number"`
	Phone          string   `json:"phone"`
	Address        string   `json:"address"`
	SMSVerified    bool     `json:"sms_verified"`
	Purpose        string   `json:"purpose"`
}

// zones are the restricted zones of the city's truck rules (M08 zone_daily_cap's keys).
var zones = []string{"core", "central"}

// parseSubmit validates the driver's request for a matter: the shape of every value here, with
// a message naming the field; whether the values are eligible is for the rules. Truck and
// hazmat passes need their keys present; a missing value of another matter reaches the
// rules, whose REQUEST_INVALID reports it.
func parseSubmit(body []byte, matter string, now time.Time) (rules.Request, string, error) {
	var in mpSubmitRequest
	if err := decodeJSON(body, &in); err != nil {
		return rules.Request{}, "", err
	}
	req := rules.Request{Zone: in.Zone, TimeFrom: in.TimeFrom, TimeTo: in.TimeTo, UNClass: in.UNClass,
		CargoName: in.CargoName, Toxic: in.Toxic, RouteZones: in.RouteZones, Phone: in.Phone,
		Address: in.Address, SMSVerified: in.SMSVerified, Purpose: in.Purpose}
	var required []string
	switch matter {
	case kiosk.MatterTruckPass:
		required = []string{"plate_number", "zone", "valid_from", "valid_until"}
	case kiosk.MatterHazmatPass:
		required = []string{"plate_number", "date", "time_from", "time_to", "un_class", "cargo_name", "escort_id_number"}
	}
	present := map[string]bool{"plate_number": in.PlateNumber != "", "zone": in.Zone != "",
		"valid_from": in.ValidFrom != "", "valid_until": in.ValidUntil != "", "date": in.Date != "",
		"time_from": in.TimeFrom != "", "time_to": in.TimeTo != "", "un_class": in.UNClass != "",
		"cargo_name": in.CargoName != "", "escort_id_number": in.EscortIDNumber != ""}
	for _, f := range required {
		if !present[f] {
			return req, "", kiosk.Errorf(kiosk.EINVALID, "缺少 %s。", f)
		}
	}
	if in.PlateNumber != "" {
		p, err := ident.ParsePlate(in.PlateNumber)
		if err != nil {
			return req, "", kiosk.Errorf(kiosk.EINVALID, "号牌号码格式不正确（plate_number）。")
		}
		req.PlateNumber = p.Number
	}
	if in.Zone != "" && !slices.Contains(zones, in.Zone) {
		return req, "", kiosk.Errorf(kiosk.EINVALID, "通行区域（zone）应为 core（核心区）或 central（中心城区）。")
	}
	for _, z := range in.RouteZones {
		if !slices.Contains(zones, z) && z != "outer" {
			return req, "", kiosk.Errorf(kiosk.EINVALID, "途经区域（route_zones）只能是 core、central 或 outer。")
		}
	}
	for _, d := range []struct {
		name string
		in   string
		out  *ident.Date
	}{{"valid_from", in.ValidFrom, &req.ValidFrom}, {"valid_until", in.ValidUntil, &req.ValidUntil}, {"date", in.Date, &req.Date}} {
		if d.in == "" {
			continue
		}
		v, err := ident.ParseDate(d.in)
		if err != nil {
			return req, "", kiosk.Errorf(kiosk.EINVALID, "日期 %s 格式应为 YYYY-MM-DD。", d.name)
		}
		*d.out = v
	}
	for name, t := range map[string]string{"time_from": in.TimeFrom, "time_to": in.TimeTo} {
		if t != "" && !validClock(t) {
			return req, "", kiosk.Errorf(kiosk.EINVALID, "时间 %s 格式应为 HH:MM（00:00–24:00）。", name)
		}
	}
	if in.EscortIDNumber != "" {
		id, err := ident.ParseIDNumber(in.EscortIDNumber, ident.Today(now))
		if err != nil {
			return req, "", kiosk.Errorf(kiosk.EINVALID, "押运员身份证号码（escort_id_number）无效。")
		}
		req.EscortIDNumber = id.Number
	}
	if len([]rune(in.CargoName)) > 50 || len([]rune(in.Address)) > 100 || len(in.Phone) > 20 || len(in.Purpose) > 40 {
		return req, "", kiosk.Errorf(kiosk.EINVALID, "填写的内容过长。")
	}
	return req, in.Phone, nil
}

// validClock accepts HH:MM from 00:00 to 24:00.
func validClock(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	h, m := int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
	return m < 60 && (h < 24 || h == 24 && m == 0)
}
