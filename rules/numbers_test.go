package rules

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// TestIssuedNumbersPinned pins issued numbers exactly. Golden cases match them by pattern, and
// a pass already printed must still verify after an upgrade, so the digest they derive from
// must not change: the same facts give the same number in every release.
func TestIssuedNumbersPinned(t *testing.T) {
	e := mustEngine(t)
	tests := []struct {
		name   string
		matter string
		key    string
		edit   func(f *Facts)
		want   string
	}{
		{"truck", "TRUCK_CITY_PASS", "pass_number", func(*Facts) {}, "TP20261123322AC0B85627"},
		{"hazmat", "HAZMAT_TEMP_PASS", "pass_number", func(*Facts) {}, "HP2026112327733FEB43FA"},
		{"certificate", "NO_CRIMINAL_RECORD_CERT", "certificate_number", func(*Facts) {}, "NC20261123271D1EF36F43"},
		{"sub-second instant", "NO_CRIMINAL_RECORD_CERT", "certificate_number", func(f *Facts) {
			f.Now = f.Now.Add(123456789 * time.Nanosecond)
		}, "NC2026112327463B2E8D31"},
		// Texts that JSON escapes: quotes, backslash, HTML-sensitive characters, control
		// characters, line and paragraph separators, invalid UTF-8.
		{"escaped cargo", "HAZMAT_TEMP_PASS", "pass_number", func(f *Facts) {
			f.Request.CargoName = "甲苯 \"<b>\" & \\ \t\n\x01\x7f \u2028\u2029 \xff\xfe end"
		}, "HP20261123C590AE47D553"},
		{"empty route", "HAZMAT_TEMP_PASS", "pass_number", func(f *Facts) {
			f.Request.RouteZones = []string{}
		}, "HP20261123BC713EE743FD"},
		{"no route", "HAZMAT_TEMP_PASS", "pass_number", func(f *Facts) {
			f.Request.RouteZones = nil
		}, "HP2026112340FEEA548DDA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := approvedCase(t, e, tt.matter)
			tt.edit(&f)
			d, err := e.Decide(f)
			if err != nil || d.Outcome != Approved {
				t.Fatalf("%v %+v", err, d.Reasons)
			}
			if got := d.Issue[tt.key]; got != tt.want {
				t.Errorf("%s = %v, want %s", tt.key, got, tt.want)
			}
		})
	}
}

// TestRequestJSON holds appendRequest to json.Marshal, whose bytes issued numbers were first
// derived from: on every golden request, on texts that need escaping, and on a request with
// every field set, so that a field added to Request without appendRequest fails here.
func TestRequestJSON(t *testing.T) {
	e := mustEngine(t)
	cases, err := e.GoldenCases()
	if err != nil {
		t.Fatal(err)
	}
	var reqs []Request
	for _, c := range cases {
		reqs = append(reqs, c.Facts.Request)
	}
	var full Request
	v := reflect.ValueOf(&full).Elem()
	for i := 0; i < v.NumField(); i++ {
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString(fmt.Sprintf("v%d", i))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int:
			f.SetInt(int64(i))
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{"a", fmt.Sprint(i)}))
		case reflect.Struct:
			f.Set(reflect.ValueOf(ident.Date{Year: 2026, Month: time.Month(i%12 + 1), Day: i + 1}))
		default:
			t.Fatalf("Request field %s: kind %s not covered here", v.Type().Field(i).Name, f.Kind())
		}
	}
	reqs = append(reqs, full, Request{}, Request{RouteZones: []string{}, Trips: -3})
	for _, s := range jsonTexts {
		reqs = append(reqs, Request{CargoName: s, RouteZones: []string{s, ""}})
	}
	for _, r := range reqs {
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendRequest(nil, &r); string(got) != string(want) {
			t.Errorf("appendRequest:\n got %s\nwant %s", got, want)
		}
	}
}

// jsonTexts are texts json.Marshal escapes in one way or another, and some it copies.
var jsonTexts = []string{
	"", "core", "甲苯", "苯, 二甲苯", `"quoted"`, `back\slash`, "<b>&amp;</b>", "tab\there", "nl\n", "\x00\x01\x1f\x7f",
	"\u2028\u2029", "bad \xff\xfe utf-8", "\xe2\x80", "emoji 😀", "\ufffd", "/slash/", "'single'",
}

// FuzzRequestJSON compares appendRequest with json.Marshal on arbitrary texts.
func FuzzRequestJSON(f *testing.F) {
	for _, s := range jsonTexts {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		r := Request{Phone: a, CargoName: b, RouteZones: []string{b, a}}
		want, _ := json.Marshal(r)
		if got := appendRequest(nil, &r); string(got) != string(want) {
			t.Errorf("appendRequest:\n got %s\nwant %s", got, want)
		}
	})
}
