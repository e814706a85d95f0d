package kiosk_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

// cardReader stands in for the OCR reader, which needs cgo: it returns the document set for
// the image's text ("front", "back", …) so each test chooses what the cards say.
type cardReader map[string]kiosk.Document

func (r cardReader) Read(_ context.Context, img []byte, kind kiosk.DocKind) (kiosk.Document, error) {
	d, ok := r[string(img)]
	if !ok {
		return kiosk.Document{}, kiosk.Errorf(kiosk.EUNREADABLE, "图片无法识别。")
	}
	return d, nil
}

func idFront(name, id string, conf float64) kiosk.Document {
	return kiosk.Document{Kind: kiosk.KindIDCardFront,
		Fields: map[string]string{"name": name, "sex": "男", "ethnicity": "汉", "birth_date": "1985-03-12",
			"address": "浙江省宁波市鄞州区中山东路1188号", "id_number": id},
		Confidence: map[string]float64{"name": conf, "sex": 0.99, "ethnicity": 0.99, "birth_date": 0.98, "address": 0.91, "id_number": 0.99},
	}
}

var idBack = kiosk.Document{Kind: kiosk.KindIDCardBack,
	Fields:     map[string]string{"authority": "宁波市公安局鄞州分局", "valid_from": "2015-02-18", "valid_until": "2035-02-18"},
	Confidence: map[string]float64{"authority": 0.95, "valid_from": 0.99, "valid_until": 0.99},
}

const registryJSON = `{
  "person": [{"id_number": "330212198503121234", "name": "张伟民", "hukou_region": "330212", "residence_region": null, "status": "normal", "vehicles_owned": 1}],
  "driver": [{"licence_number": "330212198503121234", "classes": "C1", "status": "A", "first_issue_date": "2008-06-01",
              "valid_from": "2020-06-01", "valid_until": "2030-06-01", "term": "10y", "full_score_in_term": 0,
              "pending_violations": 0, "reissues_12m": 0, "issuer": "浙B", "medical_cert": null, "hazmat_qualification_until": null}]
}`

type fixture struct {
	svc   *kiosk.Service
	cases *store.CaseStore
	logs  *bytes.Buffer
}

func newFixture(t *testing.T, reader cardReader) fixture {
	t.Helper()
	db := storetest.MustOpenSQLite(t)
	sealer := storetest.MustSealer(t, 9)
	reg := store.NewRegistry(db, sealer)
	if rep, err := reg.Import(context.Background(), strings.NewReader(registryJSON)); err != nil || len(rep.Errors) > 0 {
		t.Fatalf("import: %v %v", err, rep.Errors)
	}
	engine, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cases := store.NewCaseStore(db, sealer)
	svc := kiosk.NewService(cases, reg, reader, engine, slog.New(slog.NewJSONHandler(&logs, nil)))
	svc.Now = func() time.Time { return time.Date(2026, 11, 23, 10, 15, 0, 0, time.FixedZone("CST", 8*3600)) }
	n := 0
	svc.NewID = func() string { n++; return fmt.Sprintf("case-%d", n) }
	return fixture{svc: svc, cases: cases, logs: &logs}
}

func (f fixture) mustRead(t *testing.T, id, img string) {
	t.Helper()
	if _, _, err := f.svc.ReadDocument(context.Background(), id, kiosk.KindAuto, []byte(img), "kiosk:k1"); err != nil {
		t.Fatalf("read %s: %v", img, err)
	}
}

func trail(t *testing.T, cases kiosk.CaseStore, id string) string {
	t.Helper()
	evs, err := cases.CaseEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, e := range evs {
		parts = append(parts, string(e.To))
	}
	return strings.Join(parts, ">")
}

func TestLicenceReplacementApproved(t *testing.T) {
	f := newFixture(t, cardReader{"front": idFront("张伟民", "330212198503121234", 0.97), "back": idBack})
	ctx := context.Background()
	c, err := f.svc.StartCase(ctx, "DL_DAMAGED_REPLACE", kiosk.ChannelKiosk, "kiosk:k1")
	if err != nil {
		t.Fatal(err)
	}
	f.mustRead(t, c.ID, "front")
	f.mustRead(t, c.ID, "back")
	c, err = f.svc.Submit(ctx, c.ID, rules.Request{}, "13812345678", "kiosk:k1")
	if err != nil {
		t.Fatal(err)
	}
	if c.State != kiosk.StateIssued || c.Decision == nil || c.Decision.Outcome != rules.Approved {
		t.Fatalf("state %s, decision %+v", c.State, c.Decision)
	}
	if got := c.Decision.Issue["valid_until"]; got != "2030-06-01" {
		t.Errorf("issue valid_until = %v", got)
	}
	if c.Issuance == nil || c.Issuance.Document != "driving_licence" || !strings.HasPrefix(c.Issuance.Number, "XZ20261123CASE-1") {
		t.Errorf("issuance %+v", c.Issuance)
	}
	if got, want := trail(t, f.cases, c.ID), "started>capturing>deciding>approved>issued"; got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	// The stored case can be replayed: its facts give the same decision again.
	stored, _ := f.svc.Case(ctx, c.ID)
	again, err := f.svc.Rules.Decide(*stored.Facts)
	if err != nil || again.Outcome != stored.Decision.Outcome || len(again.Trace) != len(stored.Decision.Trace) {
		t.Fatalf("replay: %+v %v", again, err)
	}
	if img, err := f.cases.Image(ctx, c.ID, kiosk.KindIDCardFront); err != nil || string(img) != "front" {
		t.Fatalf("image not kept: %q %v", img, err)
	}
	for _, secret := range []string{"330212198503121234", "张伟民", "13812345678"} {
		if strings.Contains(f.logs.String(), secret) {
			t.Errorf("log holds %q", secret)
		}
	}
}

func TestOutcomes(t *testing.T) {
	tests := []struct {
		name      string
		front     kiosk.Document
		wantState kiosk.State
		wantCode  string
	}{
		{"unreadable name escalates", idFront("张伟民", "330212198503121234", 0.42), kiosk.StateEscalated, "LOW_CONFIDENCE"},
		{"unknown person escalates", idFront("李四", "110101199003078670", 0.97), kiosk.StateEscalated, "PERSON_NOT_FOUND"},
		{"forged number escalates", idFront("张伟民", "330212198503121235", 0.97), kiosk.StateEscalated, "ID_NUMBER_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, cardReader{"front": tt.front, "back": idBack})
			ctx := context.Background()
			c, _ := f.svc.StartCase(ctx, "DL_LOST_REISSUE", kiosk.ChannelKiosk, "kiosk:k1")
			f.mustRead(t, c.ID, "front")
			f.mustRead(t, c.ID, "back")
			c, err := f.svc.Submit(ctx, c.ID, rules.Request{}, "", "kiosk:k1")
			if err != nil {
				t.Fatal(err)
			}
			if c.State != tt.wantState {
				t.Fatalf("state %s, want %s", c.State, tt.wantState)
			}
			var codes []string
			for _, r := range c.Decision.Reasons {
				codes = append(codes, r.Code)
			}
			if !strings.Contains(strings.Join(codes, ","), tt.wantCode) {
				t.Fatalf("reasons %v lack %s", codes, tt.wantCode)
			}
		})
	}
}

func TestServiceRefusals(t *testing.T) {
	f := newFixture(t, cardReader{"front": idFront("张伟民", "330212198503121234", 0.97), "back": idBack})
	ctx := context.Background()
	if _, err := f.svc.StartCase(ctx, "NO_SUCH_MATTER", kiosk.ChannelKiosk, "k"); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Errorf("unknown matter: %v", err)
	}
	if _, err := f.svc.StartCase(ctx, "DL_DAMAGED_REPLACE", kiosk.ChannelMiniProgram, "k"); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Errorf("matter on a channel it is not offered on: %v", err)
	}
	c, _ := f.svc.StartCase(ctx, "DL_DAMAGED_REPLACE", kiosk.ChannelKiosk, "k")
	if _, _, err := f.svc.ReadDocument(ctx, c.ID, kiosk.KindAuto, []byte("garbage"), "k"); kiosk.ErrorCode(err) != kiosk.EUNREADABLE {
		t.Errorf("unreadable image: %v", err)
	}
	if _, err := f.svc.Submit(ctx, c.ID, rules.Request{}, "", "k"); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		t.Errorf("submit before any document: %v", err)
	}
	f.mustRead(t, c.ID, "front")
	f.mustRead(t, c.ID, "back")
	if _, err := f.svc.Submit(ctx, c.ID, rules.Request{}, "", "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Submit(ctx, c.ID, rules.Request{}, "", "k"); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		t.Errorf("second submit: %v", err)
	}
	if _, _, err := f.svc.ReadDocument(ctx, c.ID, kiosk.KindAuto, []byte("front"), "k"); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		t.Errorf("document after the decision: %v", err)
	}
	if _, err := f.svc.Cancel(ctx, c.ID, "k", "timeout"); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		t.Errorf("cancel after the decision: %v", err)
	}
	if _, err := f.svc.Rate(ctx, c.ID, 6); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Errorf("rating 6: %v", err)
	}
	if c, err := f.svc.Rate(ctx, c.ID, 5); err != nil || c.Rating != 5 {
		t.Errorf("rating: %v", err)
	}
	if _, err := f.svc.Case(ctx, "nope"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("missing case: %v", err)
	}
}

func TestRecoverDecidesInterruptedCases(t *testing.T) {
	f := newFixture(t, cardReader{"front": idFront("张伟民", "330212198503121234", 0.97), "back": idBack})
	ctx := context.Background()
	c, _ := f.svc.StartCase(ctx, "DL_DAMAGED_REPLACE", kiosk.ChannelKiosk, "k")
	f.mustRead(t, c.ID, "front")
	f.mustRead(t, c.ID, "back")
	// What a crash right after the move to deciding leaves behind.
	c, _ = f.svc.Case(ctx, c.ID)
	if err := f.cases.Transition(ctx, c, &kiosk.Event{To: kiosk.StateDeciding, Actor: "k"}); err != nil {
		t.Fatal(err)
	}
	n, err := f.svc.Recover(ctx)
	if err != nil || n != 1 {
		t.Fatalf("recover: %d %v", n, err)
	}
	if c, _ := f.svc.Case(ctx, c.ID); c.State != kiosk.StateIssued {
		t.Fatalf("state after recovery %s", c.State)
	}
}
