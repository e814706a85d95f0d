package kiosk

import "testing"

func TestTransitions(t *testing.T) {
	// Each row encodes a promise of the lifecycle in ARCHITECTURE.md.
	tests := []struct {
		from, to State
		want     bool
	}{
		{StateStarted, StateCapturing, true},
		{StateCapturing, StateCancelled, true},
		{StateReviewing, StateCapturing, true}, // a retake after the citizen rejects a read
		{StateDeciding, StateEscalated, true},
		{StateEscalated, StateClaimed, true},
		{StateClaimed, StateEscalated, true}, // release or lease expiry
		{StateClaimed, StateApproved, true},
		{StateApproved, StateIssued, true},
		{StateStarted, StateApproved, false}, // nothing is approved without deciding
		{StateCapturing, StateApproved, false},
		{StateEscalated, StateApproved, false}, // a clerk must claim first
		{StateEscalated, StateCancelled, false},
		{StateRejected, StateApproved, false}, // decisions are final
		{StateIssued, StateCancelled, false},
		{StateDeciding, StateCancelled, false},
	}
	for _, tt := range tests {
		if got := CanTransition(tt.from, tt.to); got != tt.want {
			t.Errorf("CanTransition(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
	for _, s := range []State{StateRejected, StateIssued, StateCancelled} {
		if !s.Terminal() {
			t.Errorf("%s should be terminal", s)
		}
	}
	for _, s := range []State{StateStarted, StateEscalated, StateClaimed, StateApproved} {
		if s.Terminal() {
			t.Errorf("%s should not be terminal", s)
		}
	}
}
