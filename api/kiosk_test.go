package api

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

const kioskRegistry = `{
  "person": [{"id_number": "330212198503121234", "name": "张伟民", "hukou_region": "330212", "residence_region": null, "status": "normal", "vehicles_owned": 1}],
  "driver": [{"licence_number": "330212198503121234", "classes": "C1", "status": "A", "first_issue_date": "2008-06-01",
              "valid_from": "2020-06-01", "valid_until": "2030-06-01", "term": "10y", "full_score_in_term": 0,
              "pending_violations": 0, "reissues_12m": 0, "issuer": "浙B", "medical_cert": null, "hazmat_qualification_until": null}]
}`

// kindReader stands in for OCR: it returns the fixture document of the kind asked for.
type kindReader map[kiosk.DocKind]kiosk.Document

func (r kindReader) Read(_ context.Context, _ []byte, kind kiosk.DocKind) (kiosk.Document, error) {
	return r[kind], nil
}

// stillCamera captures at once, reporting one "hold still" stage first.
type stillCamera struct{}

func (stillCamera) Capture(_ context.Context, progress func(kiosk.CaptureProgress)) (kiosk.Frame, error) {
	progress(kiosk.CaptureProgress{Stage: kiosk.StageHoldStill})
	return kiosk.Frame{JPEG: []byte("frame")}, nil
}
func (stillCamera) Status() kiosk.CameraStatus { return kiosk.CameraStatus{State: kiosk.CameraOK} }

var fixtureDocs = kindReader{
	kiosk.KindIDCardFront: {Kind: kiosk.KindIDCardFront,
		Fields: map[string]string{"name": "张伟民", "sex": "男", "ethnicity": "汉", "birth_date": "1985-03-12",
			"address": "浙江省宁波市鄞州区中山东路1188号", "id_number": "330212198503121234"},
		Confidence: map[string]float64{"name": 0.97, "sex": 0.99, "ethnicity": 0.99, "birth_date": 0.98, "address": 0.91, "id_number": 0.99}},
	kiosk.KindIDCardBack: {Kind: kiosk.KindIDCardBack,
		Fields:     map[string]string{"authority": "宁波市公安局鄞州分局", "valid_from": "2015-02-18", "valid_until": "2035-02-18"},
		Confidence: map[string]float64{"authority": 0.95, "valid_from": 0.99, "valid_until": 0.99}},
}

type kioskFixture struct {
	srv    *Server
	ts     *httptest.Server
	cred   string
	sms    chan kiosk.SMS
	logs   *bytes.Buffer
	svc    *kiosk.Service
	stores *store.StationStore
}

func newKioskFixture(t *testing.T) *kioskFixture {
	t.Helper()
	db := storetest.MustOpenSQLite(t)
	sealer := storetest.MustSealer(t, 7)
	reg := store.NewRegistry(db, sealer)
	if rep, err := reg.Import(context.Background(), strings.NewReader(kioskRegistry)); err != nil || len(rep.Errors) > 0 {
		t.Fatalf("import: %v %v", err, rep.Errors)
	}
	engine, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	s, logs := newTestServer(t)
	svc := kiosk.NewService(store.NewCaseStore(db, sealer), reg, fixtureDocs, engine, slog.New(slog.NewJSONHandler(logs, nil)))
	svc.Now = func() time.Time { return time.Date(2026, 11, 23, 10, 15, 0, 0, time.UTC) }
	svc.Camera = stillCamera{}
	demo := &kiosk.DemoSMS{}
	svc.SMS = demo
	stations := store.NewStationStore(db)
	_, cred, err := stations.AddStation(context.Background(), "hall-1")
	if err != nil {
		t.Fatal(err)
	}
	s.Kiosk, s.Stations = svc, stations
	s.Kiosks = KioskOptions{Pages: fstest.MapFS{"index.html": {Data: []byte("<h1>小智</h1>")}}, DemoSMS: demo,
		Upload: UploadLimits{MaxBytes: 1 << 20, MaxPixels: 4_000_000, MinSide: 320}}
	f := &kioskFixture{srv: s, cred: cred, sms: make(chan kiosk.SMS, 8), logs: logs, svc: svc, stores: stations}
	stop := demo.Watch(func(m kiosk.SMS) { f.sms <- m })
	t.Cleanup(stop)
	f.ts = httptest.NewServer(s.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// do sends a request with the station's credential and decodes the JSON answer into out.
func (f *kioskFixture) do(t *testing.T, method, path, ctype string, body io.Reader, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, f.ts.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+f.cred)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
	}
	return resp.StatusCode
}

func (f *kioskFixture) json(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	return f.do(t, method, path, "application/json", strings.NewReader(body), out)
}

func (f *kioskFixture) startCase(t *testing.T) string {
	t.Helper()
	var cs kioskCaseResponse
	if code := f.json(t, "POST", "/api/v1/kiosk/cases", `{"matter":"DL_DAMAGED_REPLACE"}`, &cs); code != 201 {
		t.Fatalf("start: %d", code)
	}
	return cs.ID
}

func (f *kioskFixture) sendCode(t *testing.T, id, phone string) string {
	t.Helper()
	if code := f.json(t, "POST", "/api/v1/kiosk/cases/"+id+"/sms", `{"phone":"`+phone+`"}`, nil); code != 202 {
		t.Fatalf("sms: %d", code)
	}
	m := <-f.sms
	i := strings.Index(m.Text, "验证码 ")
	return m.Text[i+len("验证码 ") : i+len("验证码 ")+6]
}

func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(0, 0, color.White)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestKioskCaseApprovedWithCameraAndMasking(t *testing.T) {
	f := newKioskFixture(t)
	id := f.startCase(t)
	for _, kind := range []string{"id_card_front", "id_card_back"} {
		var r kioskDocumentResponse
		if code := f.json(t, "POST", "/api/v1/kiosk/cases/"+id+"/capture", `{"kind":"`+kind+`"}`, &r); code != 200 {
			t.Fatalf("capture %s: %d", kind, code)
		}
		if kind == "id_card_front" {
			// The confirmation screen shows the name and a masked number, nothing else.
			want := map[string]string{"姓名": "张伟民", "公民身份号码": "3302**********1234"}
			if got := r.Document.Fields; len(got) != 2 || got["姓名"] != want["姓名"] || got["公民身份号码"] != want["公民身份号码"] {
				t.Fatalf("confirmation fields %v, want %v", got, want)
			}
		}
	}
	code := f.sendCode(t, id, "13812345678")
	var cs kioskCaseResponse
	if st := f.json(t, "POST", "/api/v1/kiosk/cases/"+id+"/submit", `{"phone":"13812345678","sms_code":"`+code+`"}`, &cs); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	if cs.State != "issued" || cs.Result == nil || cs.Result.Outcome != "approved" || cs.Result.Issuance == nil || cs.Result.Issuance.Number == "" {
		t.Fatalf("case %+v result %+v", cs, cs.Result)
	}
	if cs.Phone != "138****5678" || cs.Documents["id_card_front"].Fields["姓名"] != "张**" {
		t.Fatalf("decided case not masked: phone %q doc %v", cs.Phone, cs.Documents["id_card_front"].Fields)
	}
	if st := f.json(t, "POST", "/api/v1/kiosk/cases/"+id+"/rating", `{"rating":5}`, &cs); st != 200 || cs.Rating != 5 {
		t.Fatalf("rating: %d %+v", st, cs)
	}
	stored, _ := f.svc.Case(context.Background(), id)
	if stored.Rating != 5 {
		t.Fatalf("rating not stored: %d", stored.Rating)
	}
	for _, secret := range []string{"330212198503121234", "张伟民", "13812345678", code} {
		if strings.Contains(f.logs.String(), secret) {
			t.Fatalf("logs carry personal data or the SMS code %q", secret)
		}
	}
}

// TestKioskBadInput checks that every refusal is a 4xx with a stable code and a Chinese
// message, and that the case is unchanged afterwards.
func TestKioskBadInput(t *testing.T) {
	f := newKioskFixture(t)
	id := f.startCase(t)
	decided := f.startCase(t)
	f.json(t, "POST", "/api/v1/kiosk/cases/"+decided+"/cancel", `{}`, nil)
	big := bytes.Repeat([]byte{0xFF, 0xD8, 0xFF}, 1<<19)
	bomb := pngImage(t, 4000, 4000) // 16 MP: over the fixture's 4 MP cap, a few KB on the wire
	base := "/api/v1/kiosk/cases/" + id
	tests := []struct {
		name, method, path, ctype, body string
		raw                             []byte
		status                          int
		code                            string
	}{
		{"malformed json", "POST", "/api/v1/kiosk/cases", "application/json", `{"matter":`, nil, 400, kiosk.EINVALID},
		{"unknown field", "POST", "/api/v1/kiosk/cases", "application/json", `{"matter":"DL_DAMAGED_REPLACE","x":1}`, nil, 400, kiosk.EINVALID},
		{"unknown matter", "POST", "/api/v1/kiosk/cases", "application/json", `{"matter":"NOPE"}`, nil, 400, kiosk.EINVALID},
		{"unknown case", "GET", "/api/v1/kiosk/cases/ffffffffffffffff", "", "", nil, 404, kiosk.ENOTFOUND},
		{"weird case id", "GET", "/api/v1/kiosk/cases/..%2f..", "", "", nil, 404, kiosk.ENOTFOUND},
		{"unknown kind", "POST", base + "/capture", "application/json", `{"kind":"passport"}`, nil, 400, kiosk.EINVALID},
		{"submit before documents", "POST", base + "/submit", "application/json", `{"phone":"13812345678","sms_code":"000000"}`, nil, 409, kiosk.ECONFLICT},
		{"bad phone", "POST", base + "/sms", "application/json", `{"phone":"12345"}`, nil, 400, kiosk.EINVALID},
		{"rating out of range", "POST", base + "/rating", "application/json", `{"rating":9}`, nil, 400, kiosk.EINVALID},
		{"rating before result", "POST", base + "/rating", "application/json", `{"rating":4}`, nil, 409, kiosk.ECONFLICT},
		{"capture on cancelled case", "POST", "/api/v1/kiosk/cases/" + decided + "/capture", "application/json", `{"kind":"id_card_front"}`, nil, 409, kiosk.ECONFLICT},
		{"upload on cancelled case", "POST", "/api/v1/kiosk/cases/" + decided + "/documents?kind=id_card_front", "image/png", "", pngImage(t, 400, 400), 409, kiosk.ECONFLICT},
		{"upload without kind", "POST", base + "/documents", "image/png", "", pngImage(t, 400, 400), 400, kiosk.EINVALID},
		{"upload not an image", "POST", base + "/documents?kind=id_card_front", "image/jpeg", "%PDF-1.4 hello", nil, 415, kiosk.EUNSUPPORTED},
		{"upload too large", "POST", base + "/documents?kind=id_card_front", "image/jpeg", "", big, 413, kiosk.ETOOLARGE},
		{"decompression bomb", "POST", base + "/documents?kind=id_card_front", "image/png", "", bomb, 422, kiosk.EUNREADABLE},
		{"upload tiny", "POST", base + "/documents?kind=id_card_front", "image/png", "", pngImage(t, 100, 100), 422, kiosk.EUNREADABLE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tt.body)
			if tt.raw != nil {
				body = bytes.NewReader(tt.raw)
			}
			var out errorResponse
			status := f.do(t, tt.method, tt.path, tt.ctype, body, &out)
			if status != tt.status || out.Error.Code != tt.code || !hasHan(out.Error.Message) {
				t.Fatalf("got %d %+v, want %d %s with a Chinese message", status, out.Error, tt.status, tt.code)
			}
		})
	}
	var cs kioskCaseResponse
	f.json(t, "GET", base, "", &cs)
	if cs.State != "started" || len(cs.Documents) != 0 || cs.Version != 1 {
		t.Fatalf("refused requests changed the case: %+v", cs)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestKioskSMSCodeChecks(t *testing.T) {
	f := newKioskFixture(t)
	id := f.startCase(t)
	for _, kind := range []string{"id_card_front", "id_card_back"} {
		f.json(t, "POST", "/api/v1/kiosk/cases/"+id+"/capture", `{"kind":"`+kind+`"}`, nil)
	}
	code := f.sendCode(t, id, "13812345678")
	var e errorResponse
	if st := f.json(t, "POST", "/api/v1/kiosk/cases/"+id+"/sms", `{"phone":"13812345678"}`, &e); st != 429 || e.Error.Code != kiosk.ERATELIMIT {
		t.Fatalf("resend at once: %d %+v", st, e)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if st := f.json(t, "POST", "/api/v1/kiosk/cases/"+id+"/submit", `{"phone":"13812345678","sms_code":"`+wrong+`"}`, &e); st != 400 || e.Error.Code != kiosk.EINVALID {
		t.Fatalf("wrong code: %d %+v", st, e)
	}
	if st := f.json(t, "POST", "/api/v1/kiosk/cases/"+id+"/submit", `{"phone":"13900000000","sms_code":"`+code+`"}`, &e); st != 400 {
		t.Fatalf("code for another number accepted: %d", st)
	}
	var cs kioskCaseResponse
	f.json(t, "GET", "/api/v1/kiosk/cases/"+id, "", &cs)
	if cs.State != "capturing" {
		t.Fatalf("refused submit moved the case to %s", cs.State)
	}
}

func TestKioskAuth(t *testing.T) {
	f := newKioskFixture(t)
	id := f.startCase(t)
	for _, auth := range []string{"", "Bearer ", "Bearer xzk_wrong", "Basic abc"} {
		req, _ := http.NewRequest("GET", f.ts.URL+"/api/v1/kiosk/cases/"+id, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Fatalf("auth %q: %d", auth, resp.StatusCode)
		}
	}
	// Another station cannot see this station's case.
	_, other, _ := f.stores.AddStation(context.Background(), "hall-2")
	mine := f.cred
	f.cred = other
	if st := f.json(t, "GET", "/api/v1/kiosk/cases/"+id, "", nil); st != 404 {
		t.Fatalf("another station's case: %d", st)
	}
	f.cred = mine
}

func dialKiosk(t *testing.T, f *kioskFixture, cred string) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(f.ts.URL, "http")+"/api/v1/kiosk/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	if err := ws.WriteJSON(map[string]string{"type": "auth", "credential": cred}); err != nil {
		t.Fatal(err)
	}
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	return ws
}

// readUntil reads messages until one of type typ arrives, or the socket closes (returned).
func readUntil(t *testing.T, ws *websocket.Conn, typ string) (map[string]any, error) {
	t.Helper()
	for {
		var m map[string]any
		if err := ws.ReadJSON(&m); err != nil {
			return nil, err
		}
		if m["type"] == typ {
			return m, nil
		}
	}
}

func TestKioskWebSocketPromptsAndRevocation(t *testing.T) {
	f := newKioskFixture(t)
	ws := dialKiosk(t, f, f.cred)
	if _, err := readUntil(t, ws, "hello"); err != nil {
		t.Fatal(err)
	}
	id := f.startCase(t)
	f.json(t, "POST", "/api/v1/kiosk/cases/"+id+"/capture", `{"kind":"id_card_front"}`, nil)
	m, err := readUntil(t, ws, "prompt")
	if err != nil || m["case_id"] != id || m["text"] != "请将身份证人像面朝上放在高拍仪下" || m["speech"] == "" {
		t.Fatalf("first prompt %v %v", m, err)
	}
	if m, err := readUntil(t, ws, "state"); err != nil || m["state"] != "capturing" {
		t.Fatalf("state %v %v", m, err)
	}

	if err := f.stores.RevokeStation(context.Background(), "hall-1"); err != nil {
		t.Fatal(err)
	}
	_, err = readUntil(t, ws, "never")
	var ce *websocket.CloseError
	if !asCloseError(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
		t.Fatalf("revoked station's socket: %v", err)
	}
	if st := f.json(t, "GET", "/api/v1/kiosk/cases/"+id, "", nil); st != 401 {
		t.Fatalf("revoked station's request: %d", st)
	}
	// A bad credential never gets further than the close.
	ws2 := dialKiosk(t, f, "xzk_nope")
	if _, err := readUntil(t, ws2, "hello"); !asCloseError(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
		t.Fatalf("bad credential: %v", err)
	}
}

func asCloseError(err error, ce **websocket.CloseError) bool {
	e, ok := err.(*websocket.CloseError)
	if ok {
		*ce = e
	}
	return ok
}

func TestKioskPageAndDemoSetup(t *testing.T) {
	f := newKioskFixture(t)
	resp, err := http.Get(f.ts.URL + "/kiosk/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "小智") {
		t.Fatalf("page: %d %s", resp.StatusCode, b)
	}
	if resp, _ := http.Get(f.ts.URL + "/kiosk/setup.json"); resp.StatusCode != 404 {
		t.Fatalf("setup.json outside a demo: %d", resp.StatusCode)
	}
	f.srv.Kiosks.DemoCredential = f.cred
	resp, _ = http.Get(f.ts.URL + "/kiosk/setup.json")
	var setup struct{ Credential string }
	json.NewDecoder(resp.Body).Decode(&setup)
	resp.Body.Close()
	if setup.Credential != f.cred {
		t.Fatal("demo setup does not hand out the credential")
	}
}
