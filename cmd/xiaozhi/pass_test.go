package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/gorilla/websocket"

	"github.com/xiaozhi-kiosk/xiaozhi/api"
	"github.com/xiaozhi-kiosk/xiaozhi/cardgen"
	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

// truthReader reads what cardgen printed: the record of the demo driver whose photo it is
// given (photos are told apart by their first pixel's colour), so the tests exercise the API
// and the rules without OCR.
type truthReader struct{ docs map[string]kiosk.Document }

func (r truthReader) Read(_ context.Context, img []byte, kind kiosk.DocKind) (kiosk.Document, error) {
	m, err := jpeg.Decode(bytes.NewReader(img))
	if err != nil {
		return kiosk.Document{}, kiosk.Errorf(kiosk.EUNREADABLE, "bad image")
	}
	cr, cg, _, _ := m.At(8, 8).RGBA()
	d, ok := r.docs[photoKey(int(cr>>8), int(cg>>8), kind)]
	if !ok {
		return kiosk.Document{Kind: kind, Flags: []string{kiosk.FlagNotACard}}, nil
	}
	return d, nil
}

// testPhoto is a plain JPEG coloured by driver and document: what truthReader recognises.
func testPhoto(tb testing.TB, driver, kind int, exif bool) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for i := range img.Pix {
		img.Pix[i] = []byte{uint8(40 + driver*100), uint8(40 + kind*50), 128, 255}[i%4]
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		tb.Fatal(err)
	}
	if !exif {
		return b.Bytes()
	}
	// An APP1 Exif segment right after SOI, with a GPS-like payload a phone would write.
	app1 := append([]byte("Exif\x00\x00"), []byte("GPS 29.8683N 121.5440E secret")...)
	seg := append([]byte{0xFF, 0xE1, byte((len(app1) + 2) >> 8), byte(len(app1) + 2)}, app1...)
	return append(append([]byte{0xFF, 0xD8}, seg...), b.Bytes()[2:]...)
}

// photoKey names a test photo by its colour, rounded so that JPEG's small shifts do not matter.
func photoKey(r, g int, kind kiosk.DocKind) string {
	return fmt.Sprintf("%d/%d/%s", (r+12)/25, (g+12)/25, kind)
}

func newTruthReader() truthReader {
	r := truthReader{docs: map[string]kiosk.Document{}}
	for i, d := range demoDrivers {
		rec := cardgen.NewRecord(d.seed, cardgen.RecordOptions{})
		for j, k := range cardgen.Kinds {
			fields := rec.Fields(k)
			conf := map[string]float64{}
			for f := range fields {
				conf[f] = 0.99
			}
			r.docs[photoKey(40+i*100, 40+j*50, kiosk.DocKind(k))] =
				kiosk.Document{Kind: kiosk.DocKind(k), Fields: fields, Confidence: conf, Flags: []string{}}
		}
	}
	return r
}

// mpEnv is a running server with the demo trucks imported and the truth reader.
type mpEnv struct {
	m   *Main
	url string
}

func mustMPServer(tb testing.TB, dbURL string, tweak func(*Config)) *mpEnv {
	tb.Helper()
	cfg := DefaultConfig()
	cfg.DatabaseURL = dbURL
	cfg.MPRateIP, cfg.MPRateDriver = 1000, 1000
	if tweak != nil {
		tweak(&cfg)
	}
	m := MustRunMain(tb, cfg)
	// Runs before Close: connections the client dialed but never used would otherwise hold
	// Shutdown for its five-second grace for new connections.
	tb.Cleanup(http.DefaultClient.CloseIdleConnections)
	m.Kiosk.Reader = newTruthReader()
	sealer, _, err := cfg.sealer()
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(filepath.Join("..", "..", "demo", "data", "trucks.json"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if rep, err := store.NewRegistry(m.DB, sealer).Import(context.Background(), f); err != nil || len(rep.Errors) > 0 {
		tb.Fatalf("import trucks: %v %v", err, rep.Errors)
	}
	return &mpEnv{m: m, url: m.HTTP.URL()}
}

// call sends a request and returns status, headers and body. A JSON answer is checked
// against the OpenAPI document under route (the document's path form).
func (e *mpEnv) call(tb testing.TB, method, route, path, token string, hdr map[string]string, body []byte) (int, http.Header, []byte) {
	tb.Helper()
	req, _ := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 500 {
		tb.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, b)
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && route != "" {
		if err := api.CheckOpenAPI(method, route, resp.StatusCode, b); err != nil {
			tb.Errorf("%s %s: response does not match the OpenAPI document: %v\n%s", method, path, err, b)
		}
	}
	return resp.StatusCode, resp.Header, b
}

func (e *mpEnv) login(tb testing.TB, id string) string {
	tb.Helper()
	st, _, b := e.call(tb, "POST", "/api/v1/mp/login", "/api/v1/mp/login", "", nil, []byte(`{"code":"dev:`+id+`"}`))
	var r struct {
		AccessToken string `json:"access_token"`
	}
	if st != 200 || json.Unmarshal(b, &r) != nil || r.AccessToken == "" {
		tb.Fatalf("login = %d %s", st, b)
	}
	return r.AccessToken
}

type caseJSON struct {
	ID      string                  `json:"id"`
	State   string                  `json:"state"`
	Outcome string                  `json:"outcome"`
	Reasons []struct{ Code string } `json:"reasons"`
	Pass    *struct {
		Number string `json:"number"`
		Token  string `json:"token"`
	} `json:"pass"`
}

func decode[T any](tb testing.TB, b []byte) T {
	tb.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		tb.Fatalf("decode %s: %v", b, err)
	}
	return v
}

// apply runs the whole flow for driver i: a case, four photos, the submission.
func (e *mpEnv) apply(tb testing.TB, token string, driver int, matter, request string) caseJSON {
	tb.Helper()
	st, _, b := e.call(tb, "POST", "/api/v1/mp/cases", "/api/v1/mp/cases", token,
		map[string]string{"Idempotency-Key": fmt.Sprintf("start-%d", time.Now().UnixNano())}, []byte(`{"matter":"`+matter+`"}`))
	if st != 201 {
		tb.Fatalf("create = %d %s", st, b)
	}
	c := decode[caseJSON](tb, b)
	for j, k := range cardgen.Kinds {
		st, _, b := e.call(tb, "PUT", "/api/v1/mp/cases/{id}/documents/{kind}", "/api/v1/mp/cases/"+c.ID+"/documents/"+string(k),
			token, map[string]string{"Content-Type": "image/jpeg"}, testPhoto(tb, driver, j, true))
		if st != 200 {
			tb.Fatalf("upload %s = %d %s", k, st, b)
		}
	}
	st, _, b = e.call(tb, "POST", "/api/v1/mp/cases/{id}/submit", "/api/v1/mp/cases/"+c.ID+"/submit", token,
		map[string]string{"Idempotency-Key": "submit-" + c.ID}, []byte(request))
	if st != 200 {
		tb.Fatalf("submit = %d %s", st, b)
	}
	return decode[caseJSON](tb, b)
}

func truckRequest(from, until string) string {
	plate := cardgen.NewRecord(demoDrivers[0].seed, cardgen.RecordOptions{}).Plate
	return fmt.Sprintf(`{"plate_number":%q,"zone":"central","valid_from":%q,"valid_until":%q}`, plate, from, until)
}

func demoID(i int) string {
	return cardgen.NewRecord(demoDrivers[i].seed, cardgen.RecordOptions{}).IDNumber
}

func TestMPTruckPass(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := mustMPServer(t, db.URL, nil)
		tok := e.login(t, demoID(0))
		today := ident.Today(time.Now())
		c := e.apply(t, tok, 0, kiosk.MatterTruckPass, truckRequest(today.String(), today.AddDays(10).String()))
		if c.State != "issued" || c.Outcome != "approved" || c.Pass == nil || c.Pass.Token == "" {
			cs, _ := e.m.Kiosk.Case(context.Background(), c.ID)
			t.Fatalf("truck pass not issued: %+v %+v", c, cs.Decision)
		}
		path := "/api/v1/mp/cases/" + c.ID
		if st, _, b := e.call(t, "GET", "/api/v1/mp/cases/{id}", path, tok, nil, nil); st != 200 || decode[caseJSON](t, b).State != "issued" {
			t.Fatalf("status = %d %s", st, b)
		}
		st, _, b := e.call(t, "GET", "/api/v1/mp/cases/{id}/pass", path+"/pass", tok, nil, nil)
		if st != 200 || !strings.Contains(string(b), c.Pass.Token) {
			t.Fatalf("pass = %d %s", st, b)
		}
		if st, h, b := e.call(t, "GET", "", path+"/pass/qr.png", tok, nil, nil); st != 200 || h.Get("Content-Type") != "image/png" || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Fatalf("qr.png = %d %s", st, h.Get("Content-Type"))
		}
		if st, _, b := e.call(t, "GET", "", path+"/pass/qr.svg", tok, nil, nil); st != 200 || !bytes.HasPrefix(b, []byte("<svg")) {
			t.Fatalf("qr.svg = %d %.40s", st, b)
		}
		// The stored photo lost its EXIF on the way in.
		if st, _, b := e.call(t, "GET", "", path+"/documents/id_card_front", tok, nil, nil); st != 200 || bytes.Contains(b, []byte("Exif")) || bytes.Contains(b, []byte("secret")) {
			t.Fatalf("photo = %d, EXIF kept: %v", st, bytes.Contains(b, []byte("Exif")))
		}

		verify := func(tokn string) string {
			st, _, b := e.call(t, "GET", "/api/v1/passes/verify", "/api/v1/passes/verify?token="+tokn, "", nil, nil)
			if st != 200 {
				t.Fatalf("verify = %d %s", st, b)
			}
			return decode[struct{ Status string }](t, b).Status
		}
		if s := verify(c.Pass.Token); s != "valid" {
			t.Fatalf("fresh pass verifies as %s", s)
		}
		altered := []byte(c.Pass.Token)
		altered[20] ^= 1
		if s := verify(string(altered)); s != "forged" {
			t.Fatalf("altered pass verifies as %s", s)
		}
		// Offline, with only the public key: the CLI.
		env, out, _ := testEnv(nil)
		if code := run(context.Background(), env, []string{"pass", "verify", c.Pass.Token}); code != 0 || !strings.Contains(out.String(), `"status":"valid"`) {
			t.Fatalf("xiaozhi pass verify: exit %d %s", code, out)
		}
		env, out, _ = testEnv(nil)
		if code := run(context.Background(), env, []string{"pass", "verify", string(altered)}); code == 0 || !strings.Contains(out.String(), `"status":"forged"`) {
			t.Fatalf("xiaozhi pass verify altered: exit %d %s", code, out)
		}

		// registry.passes is filled from the passes issued: the same truck, zone and period
		// again is a duplicate.
		again := e.apply(t, tok, 0, kiosk.MatterTruckPass, truckRequest(today.AddDays(5).String(), today.AddDays(6).String()))
		if again.State != "rejected" || len(again.Reasons) == 0 || again.Reasons[0].Code != "DUPLICATE_PASS" {
			t.Fatalf("second pass for an overlapping period: %+v", again)
		}

		// Revocation reaches verification and the officers' list.
		if err := e.m.HTTP.MP.Passes.(*store.PassStore).RevokePass(context.Background(), c.Pass.Number, "TEST"); err != nil {
			t.Fatal(err)
		}
		if s := verify(c.Pass.Token); s != "revoked" {
			t.Fatalf("revoked pass verifies as %s", s)
		}
		if st, _, b := e.call(t, "GET", "/api/v1/passes/revoked", "/api/v1/passes/revoked", "", nil, nil); st != 200 || !strings.Contains(string(b), c.Pass.Number) {
			t.Fatalf("revocation list = %d %s", st, b)
		}
		if st, _, b := e.call(t, "GET", "/api/v1/passes/keys", "/api/v1/passes/keys", "", nil, nil); st != 200 || !strings.Contains(string(b), `"demo"`) {
			t.Fatalf("keys = %d %s", st, b)
		}
	})
}

func TestMPHazmatEscalates(t *testing.T) {
	e := mustMPServer(t, filepath.Join(t.TempDir(), "x.db"), nil)
	tok := e.login(t, demoID(1))
	plate := cardgen.NewRecord(demoDrivers[1].seed, cardgen.RecordOptions{}).Plate
	day := ident.Today(time.Now()).AddDays(2).String()
	c := e.apply(t, tok, 1, kiosk.MatterHazmatPass, fmt.Sprintf(`{"plate_number":%q,"date":%q,"time_from":"10:00","time_to":"15:00",
		"un_class":"3","cargo_name":"汽油","toxic":false,"route_zones":["central"],"escort_id_number":%q}`,
		plate, day, cardgen.NewRecord(demoEscortSeed, cardgen.RecordOptions{}).IDNumber))
	// The demo vehicle's GPS position is not live: a clerk decides, and the driver sees only
	// that the case is under review.
	if c.State != "escalated" || c.Outcome != "" || len(c.Reasons) != 0 {
		t.Fatalf("hazmat case: %+v", c)
	}
}

// TestMPScopedToDriver: another driver's case, photo and pass are 404, exactly like a case
// that does not exist.
func TestMPScopedToDriver(t *testing.T) {
	e := mustMPServer(t, filepath.Join(t.TempDir(), "x.db"), nil)
	owner, other := e.login(t, demoID(0)), e.login(t, demoID(1))
	today := ident.Today(time.Now())
	c := e.apply(t, owner, 0, kiosk.MatterTruckPass, truckRequest(today.String(), today.AddDays(3).String()))
	p := "/api/v1/mp/cases/" + c.ID
	for _, r := range []struct{ method, route, path string }{
		{"GET", "/api/v1/mp/cases/{id}", p},
		{"GET", "/api/v1/mp/cases/{id}/documents/{kind}", p + "/documents/id_card_front"},
		{"PUT", "/api/v1/mp/cases/{id}/documents/{kind}", p + "/documents/id_card_front"},
		{"POST", "/api/v1/mp/cases/{id}/submit", p + "/submit"},
		{"GET", "/api/v1/mp/cases/{id}/pass", p + "/pass"},
		{"GET", "/api/v1/mp/cases/{id}/pass/qr.png", p + "/pass/qr.png"},
		{"GET", "/api/v1/mp/cases/{id}/pass/qr.svg", p + "/pass/qr.svg"},
		{"GET", "/api/v1/mp/cases/{id}/events", p + "/events"},
	} {
		st, _, b := e.call(t, r.method, r.route, r.path, other, map[string]string{"Idempotency-Key": "k"}, testPhoto(t, 1, 0, false))
		if st != 404 || decode[struct{ Error struct{ Code string } }](t, b).Error.Code != "not_found" {
			t.Errorf("%s %s as another driver = %d %s", r.method, r.path, st, b)
		}
	}
}

func TestMPIdempotency(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := mustMPServer(t, db.URL, nil)
		tok := e.login(t, demoID(0))
		create := func(key, body string) (int, http.Header, []byte) {
			return e.call(t, "POST", "/api/v1/mp/cases", "/api/v1/mp/cases", tok, map[string]string{"Idempotency-Key": key}, []byte(body))
		}
		st1, _, b1 := create("k1", `{"matter":"TRUCK_CITY_PASS"}`)
		st2, h2, b2 := create("k1", `{"matter":"TRUCK_CITY_PASS"}`)
		if st1 != 201 || st2 != 201 || !bytes.Equal(b1, b2) || h2.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %s / %d %s", st1, b1, st2, b2)
		}
		st, _, b := create("k1", `{"matter":"HAZMAT_TEMP_PASS"}`)
		if st != 422 || decode[struct{ Error struct{ Code string } }](t, b).Error.Code != "idempotency_key_reused" {
			t.Fatalf("same key, other body = %d %s", st, b)
		}

		// Concurrent duplicates: exactly one case.
		const n = 8
		var wg sync.WaitGroup
		ids := make([]string, n)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				st, _, b := create("race", `{"matter":"TRUCK_CITY_PASS"}`)
				if st == 201 {
					ids[i] = decode[caseJSON](t, b).ID
				}
			}()
		}
		close(start)
		wg.Wait()
		for _, id := range ids {
			if id == "" || id != ids[0] {
				t.Fatalf("concurrent duplicates answered with cases %v", ids)
			}
		}
		var count int64
		e.m.DB.Gorm().Table("driver_cases").Count(&count)
		if count != 2 { // k1 and race
			t.Fatalf("%d cases created, want 2", count)
		}
	})
}

// TestMPBadInput: every kind of bad request gets a 4xx with a stable code and a Chinese
// message, never a 500 (call fails the test on any 5xx).
func TestMPBadInput(t *testing.T) {
	e := mustMPServer(t, filepath.Join(t.TempDir(), "x.db"), nil)
	tok := e.login(t, demoID(0))
	_, _, b := e.call(t, "POST", "/api/v1/mp/cases", "/api/v1/mp/cases", tok, map[string]string{"Idempotency-Key": "c"}, []byte(`{"matter":"TRUCK_CITY_PASS"}`))
	c := "/api/v1/mp/cases/" + decode[caseJSON](t, b).ID
	idem := map[string]string{"Idempotency-Key": "bad-1"}
	jpegHdr := map[string]string{"Content-Type": "image/jpeg"}
	bomb := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x4e\x20\x00\x00\x4e\x20\x08\x02\x00\x00\x00"), make([]byte, 64)...)
	tests := []struct {
		name, method, route, path, token string
		hdr                              map[string]string
		body                             []byte
		status                           int
		code                             string
	}{
		{"no token", "GET", "/api/v1/mp/cases/{id}", c, "", nil, nil, 401, "unauthorized"},
		{"forged token", "GET", "/api/v1/mp/cases/{id}", c, tok + "x", nil, nil, 401, "unauthorized"},
		{"login without code", "POST", "/api/v1/mp/login", "/api/v1/mp/login", "", nil, []byte(`{}`), 400, "invalid"},
		{"login bad id", "POST", "/api/v1/mp/login", "/api/v1/mp/login", "", nil, []byte(`{"code":"dev:123"}`), 401, "unauthorized"},
		{"login not json", "POST", "/api/v1/mp/login", "/api/v1/mp/login", "", nil, []byte(`code=1`), 400, "invalid"},
		{"unknown field", "POST", "/api/v1/mp/cases", "/api/v1/mp/cases", tok, idem, []byte(`{"matter":"TRUCK_CITY_PASS","x":1}`), 400, "invalid"},
		{"no idempotency key", "POST", "/api/v1/mp/cases", "/api/v1/mp/cases", tok, nil, []byte(`{"matter":"TRUCK_CITY_PASS"}`), 400, "invalid"},
		{"unknown matter", "POST", "/api/v1/mp/cases", "/api/v1/mp/cases", tok, map[string]string{"Idempotency-Key": "m1"}, []byte(`{"matter":"NOPE"}`), 400, "invalid"},
		{"kiosk-only matter", "POST", "/api/v1/mp/cases", "/api/v1/mp/cases", tok, map[string]string{"Idempotency-Key": "m2"}, []byte(`{"matter":"TEMP_ID_CARD"}`), 400, "invalid"},
		{"body too large", "POST", "/api/v1/mp/cases", "/api/v1/mp/cases", tok, map[string]string{"Idempotency-Key": "m3"}, bytes.Repeat([]byte(" "), 20<<10), 413, "too_large"},
		{"bad case id", "GET", "/api/v1/mp/cases/{id}", "/api/v1/mp/cases/%27%3B--", tok, nil, nil, 404, "not_found"},
		{"unknown kind", "PUT", "/api/v1/mp/cases/{id}/documents/{kind}", c + "/documents/passport", tok, jpegHdr, testPhoto(t, 0, 0, false), 400, "invalid"},
		{"gif", "PUT", "/api/v1/mp/cases/{id}/documents/{kind}", c + "/documents/id_card_front", tok, nil, []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), 415, "unsupported"},
		{"empty image", "PUT", "/api/v1/mp/cases/{id}/documents/{kind}", c + "/documents/id_card_front", tok, nil, nil, 400, "invalid"},
		{"pixel bomb", "PUT", "/api/v1/mp/cases/{id}/documents/{kind}", c + "/documents/id_card_front", tok, nil, bomb, 422, "unreadable"},
		{"truncated jpeg", "PUT", "/api/v1/mp/cases/{id}/documents/{kind}", c + "/documents/id_card_front", tok, nil, testPhoto(t, 0, 0, false)[:300], 422, "unreadable"},
		{"too large image", "PUT", "/api/v1/mp/cases/{id}/documents/{kind}", c + "/documents/id_card_front", tok, nil, append([]byte{0xFF, 0xD8, 0xFF}, make([]byte, 9<<20)...), 413, "too_large"},
		{"submit before photos", "POST", "/api/v1/mp/cases/{id}/submit", c + "/submit", tok, map[string]string{"Idempotency-Key": "s0"}, []byte(truckRequest("2026-12-01", "2026-12-02")), 409, "conflict"},
		{"bad plate", "POST", "/api/v1/mp/cases/{id}/submit", c + "/submit", tok, map[string]string{"Idempotency-Key": "s1"}, []byte(`{"plate_number":"ABC","zone":"core","valid_from":"2026-12-01","valid_until":"2026-12-02"}`), 400, "invalid"},
		{"bad date", "POST", "/api/v1/mp/cases/{id}/submit", c + "/submit", tok, map[string]string{"Idempotency-Key": "s2"}, []byte(`{"plate_number":"浙B12345","zone":"core","valid_from":"2026-13-01","valid_until":"2026-12-02"}`), 400, "invalid"},
		{"bad zone", "POST", "/api/v1/mp/cases/{id}/submit", c + "/submit", tok, map[string]string{"Idempotency-Key": "s3"}, []byte(`{"plate_number":"浙B12345","zone":"moon","valid_from":"2026-12-01","valid_until":"2026-12-02"}`), 400, "invalid"},
		{"missing keys", "POST", "/api/v1/mp/cases/{id}/submit", c + "/submit", tok, map[string]string{"Idempotency-Key": "s4"}, []byte(`{}`), 400, "invalid"},
		{"wrong type", "POST", "/api/v1/mp/cases/{id}/submit", c + "/submit", tok, map[string]string{"Idempotency-Key": "s5"}, []byte(`{"plate_number":7}`), 400, "invalid"},
		{"no pass yet", "GET", "/api/v1/mp/cases/{id}/pass", c + "/pass", tok, nil, nil, 404, "not_found"},
		{"verify without token", "GET", "/api/v1/passes/verify", "/api/v1/passes/verify", "", nil, nil, 400, "invalid"},
		{"verify huge token", "GET", "/api/v1/passes/verify", "/api/v1/passes/verify?token=" + strings.Repeat("A", 2000), "", nil, nil, 400, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, b := e.call(t, tt.method, tt.route, tt.path, tt.token, tt.hdr, tt.body)
			r := decode[struct {
				Error struct{ Code, Message string }
			}](t, b)
			if st != tt.status || r.Error.Code != tt.code {
				t.Fatalf("= %d %s, want %d %s", st, b, tt.status, tt.code)
			}
			if !strings.ContainsFunc(r.Error.Message, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Fatalf("message %q is not Chinese", r.Error.Message)
			}
		})
	}
	// Garbage tokens are answered, not failed: forged.
	if st, _, b := e.call(t, "GET", "/api/v1/passes/verify", "/api/v1/passes/verify?token=%00%ff%27", "", nil, nil); st != 200 || !strings.Contains(string(b), `"forged"`) {
		t.Fatalf("garbage token = %d %s", st, b)
	}
}

func TestMPRateLimits(t *testing.T) {
	e := mustMPServer(t, filepath.Join(t.TempDir(), "x.db"), func(c *Config) { c.MPRateIP, c.MPRateDriver = 1000, 1 })
	tok := e.login(t, demoID(0))
	limited := 0
	for i := 0; i < 10; i++ {
		st, h, _ := e.call(t, "GET", "/api/v1/mp/cases/{id}", "/api/v1/mp/cases/none", tok, nil, nil)
		if st == 429 {
			limited++
			if h.Get("Retry-After") != "1" {
				t.Fatalf("Retry-After %q", h.Get("Retry-After"))
			}
		}
	}
	// Burst 3 at 1/s: at least six of ten back-to-back requests are refused.
	if limited < 6 {
		t.Fatalf("%d of 10 requests limited", limited)
	}
	// Another driver has a bucket of its own.
	if st, _, _ := e.call(t, "GET", "/api/v1/mp/cases/{id}", "/api/v1/mp/cases/none", e.login(t, demoID(1)), nil, nil); st != 404 {
		t.Fatalf("other driver = %d", st)
	}
}

func TestMPWebSocket(t *testing.T) {
	e := mustMPServer(t, filepath.Join(t.TempDir(), "x.db"), nil)
	tok := e.login(t, demoID(0))
	_, _, b := e.call(t, "POST", "/api/v1/mp/cases", "/api/v1/mp/cases", tok, map[string]string{"Idempotency-Key": "w"}, []byte(`{"matter":"TRUCK_CITY_PASS"}`))
	id := decode[caseJSON](t, b).ID
	ws, _, err := websocket.DefaultDialer.Dial(strings.Replace(e.url, "http", "ws", 1)+"/api/v1/mp/cases/"+id+"/events?access_token="+tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	next := func() caseJSON {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if err := api.CheckOpenAPI("GET", "/api/v1/mp/cases/{id}", 200, msg); err != nil {
			t.Fatal(err)
		}
		return decode[caseJSON](t, msg)
	}
	if c := next(); c.State != "started" {
		t.Fatalf("first message %+v", c)
	}
	for j, k := range cardgen.Kinds {
		e.call(t, "PUT", "", "/api/v1/mp/cases/"+id+"/documents/"+string(k), tok, nil, testPhoto(t, 0, j, false))
	}
	today := ident.Today(time.Now())
	e.call(t, "POST", "", "/api/v1/mp/cases/"+id+"/submit", tok, map[string]string{"Idempotency-Key": "ws"}, []byte(truckRequest(today.String(), today.String())))
	var states []string
	for {
		c := next()
		states = append(states, c.State)
		if c.State == "issued" {
			break
		}
	}
	if _, _, err := ws.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Fatalf("after issue: %v (states %v)", err, states)
	}
	// Every change is pushed as the status read after it; changes in quick succession may
	// arrive as one message with the latest state.
	if states[0] != "capturing" {
		t.Fatalf("states pushed: %v", states)
	}
}

// TestDemoTrucksMatchCards keeps demo/data/trucks.json in step with the demo drivers' cards.
func TestDemoTrucksMatchCards(t *testing.T) {
	want, _ := json.MarshalIndent(demoTruckRecords(), "", "  ")
	got, err := os.ReadFile(filepath.Join("..", "..", "demo", "data", "trucks.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), want) {
		t.Fatal("demo/data/trucks.json is stale: run xiaozhi pass demo-photos DIR and copy DIR/trucks.json")
	}
}
