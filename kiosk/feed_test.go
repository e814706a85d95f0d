package kiosk

import "testing"

func TestFeed(t *testing.T) {
	f := NewFeed()
	all := f.Subscribe(nil, 10)
	onlyA := f.Subscribe(func(ev Event) bool { return ev.CaseID == "a" }, 10)
	slow := f.Subscribe(nil, 1)

	f.Publish(Event{Seq: 1, CaseID: "a"})
	f.Publish(Event{Seq: 2, CaseID: "b"})

	if got := (<-all.C).Seq; got != 1 {
		t.Fatalf("first event %d", got)
	}
	if got := (<-all.C).Seq; got != 2 {
		t.Fatalf("second event %d", got)
	}
	if ev := <-onlyA.C; ev.CaseID != "a" || len(onlyA.C) != 0 {
		t.Fatalf("filter let through %+v", ev)
	}
	// The slow subscriber took one event and was dropped at the second, without blocking.
	<-slow.C
	if _, open := <-slow.C; open || !slow.Dropped() {
		t.Fatal("a full subscriber was not dropped")
	}
	if n := f.Subscribers(); n != 2 {
		t.Fatalf("%d subscribers, want 2", n)
	}
	all.Close()
	all.Close()
	onlyA.Close()
	if n := f.Subscribers(); n != 0 {
		t.Fatalf("%d subscribers after close", n)
	}
	f.Publish(Event{Seq: 3}) // no subscribers: nothing to do, nothing to panic about
}
