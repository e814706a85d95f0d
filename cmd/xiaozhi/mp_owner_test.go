package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// TestMPCaseOwnerWithCase checks that a mini-program case is stored together with its owner
// (one transaction), so no crash can leave a started case that no driver may read.
func TestMPCaseOwnerWithCase(t *testing.T) {
	e := mustMPServer(t, filepath.Join(t.TempDir(), "x.db"), nil)
	tok := e.login(t, demoID(0))
	st, _, b := e.call(t, "POST", "/api/v1/mp/cases", "/api/v1/mp/cases", tok,
		map[string]string{"Idempotency-Key": "owner-1"}, []byte(`{"matter":"`+kiosk.MatterTruckPass+`"}`))
	if st != 201 {
		t.Fatalf("create = %d %s", st, b)
	}
	id := decode[caseJSON](t, b).ID
	started, err := e.m.Kiosk.Cases.CasesInState(context.Background(), kiosk.StateStarted, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range started {
		if _, err := e.m.HTTP.MP.Owners.CaseDriver(context.Background(), c.ID); err != nil {
			t.Errorf("case %s has no owner: %v", c.ID, err)
		}
	}
	if st, _, b := e.call(t, "GET", "/api/v1/mp/cases/{id}", "/api/v1/mp/cases/"+id, tok, nil, nil); st != 200 {
		t.Fatalf("owner reads the case = %d %s", st, b)
	}
	other := e.login(t, demoID(1))
	if st, _, _ := e.call(t, "GET", "/api/v1/mp/cases/{id}", "/api/v1/mp/cases/"+id, other, nil, nil); st != 404 {
		t.Fatalf("another driver reads the case = %d, want 404", st)
	}
}

// TestMPStatusFollowsChanges polls a case before and after it changes: a status kept from an
// earlier poll is never served for a newer version.
func TestMPStatusFollowsChanges(t *testing.T) {
	e := mustMPServer(t, filepath.Join(t.TempDir(), "x.db"), nil)
	tok := e.login(t, demoID(0))
	_, _, b := e.call(t, "POST", "/api/v1/mp/cases", "/api/v1/mp/cases", tok,
		map[string]string{"Idempotency-Key": "poll-1"}, []byte(`{"matter":"`+kiosk.MatterTruckPass+`"}`))
	id := decode[caseJSON](t, b).ID
	get := func() string {
		st, _, b := e.call(t, "GET", "/api/v1/mp/cases/{id}", "/api/v1/mp/cases/"+id, tok, nil, nil)
		if st != 200 {
			t.Fatalf("status = %d %s", st, b)
		}
		return decode[caseJSON](t, b).State
	}
	if s1, s2 := get(), get(); s1 != "started" || s2 != "started" {
		t.Fatalf("states %s %s", s1, s2)
	}
	if st, _, b := e.call(t, "PUT", "", "/api/v1/mp/cases/"+id+"/documents/id_card_front", tok,
		map[string]string{"Content-Type": "image/jpeg"}, testPhoto(t, 0, 0, false)); st != 200 {
		t.Fatalf("upload = %d %s", st, b)
	}
	if s := get(); s != "capturing" {
		t.Fatalf("state after an upload %s, want capturing", s)
	}
}
