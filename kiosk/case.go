package kiosk

import (
	"context"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/rules"
)

// State is where a case stands in its lifecycle (ARCHITECTURE.md, "The case").
type State string

// Case states.
const (
	StateStarted   State = "started"   // a matter was chosen
	StateCapturing State = "capturing" // documents are being captured or uploaded
	StateReviewing State = "reviewing" // the applicant confirms what was read
	StateDeciding  State = "deciding"  // the matter's rule set runs
	StateApproved  State = "approved"
	StateRejected  State = "rejected"
	StateEscalated State = "escalated" // waiting in the staff queue
	StateClaimed   State = "claimed"   // a clerk holds the case under a lease
	StateIssued    State = "issued"    // the matter's output exists
	StateCancelled State = "cancelled" // timed out or abandoned before a decision
)

// transitions lists, for each state, the states a case may move to. Everything not listed is
// refused, so a late or repeated request can never move a case backwards or skip a decision.
var transitions = map[State][]State{
	StateStarted:   {StateCapturing, StateCancelled},
	StateCapturing: {StateReviewing, StateDeciding, StateCancelled},
	StateReviewing: {StateCapturing, StateDeciding, StateCancelled},
	StateDeciding:  {StateApproved, StateRejected, StateEscalated},
	// An approved case whose output cannot be issued (a pass that another case of the same
	// vehicle and zone got first, see ErrDuplicatePass) goes to staff instead.
	StateApproved:  {StateIssued, StateEscalated},
	StateEscalated: {StateClaimed},
	// A clerk decides, or releases the case (or the lease lapses) back to the queue.
	StateClaimed: {StateApproved, StateRejected, StateEscalated},
}

// CanTransition reports whether a case in state from may move to state to.
func CanTransition(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Terminal reports whether no transition leaves s.
func (s State) Terminal() bool { return len(transitions[s]) == 0 }

// Channel is how an applicant reached Xiaozhi.
type Channel string

// Channels of SERVICES.md.
const (
	ChannelKiosk       Channel = "kiosk"
	ChannelMiniProgram Channel = "mini_program"
)

// Case is one applicant's request for one matter, from the first prompt to the issued
// document, a refusal, or a clerk's decision.
type Case struct {
	ID      string
	Matter  string // a rule set code of SERVICES.md, e.g. "DL_DAMAGED_REPLACE"
	Channel Channel
	// Owner is the mini-program driver who owns the case, "" for a kiosk case. It is stored
	// with the case when it is created and never changes.
	Owner string
	State State
	// Version grows by one with every transition; a transition names the version it read,
	// so of two concurrent actors exactly one wins (optimistic concurrency).
	Version int

	// Holder and LeaseUntil are set while a clerk holds the case (state claimed).
	Holder     string
	LeaseUntil time.Time

	CreatedAt time.Time
	UpdatedAt time.Time

	// The case's data, sealed at rest because most of it is personal.
	Documents map[DocKind]Document // what was read, by kind; a retake replaces a kind
	Request   rules.Request        // the applicant's own input for the matter
	Phone     string               // contact number, verified by SMS
	Facts     *rules.Facts         // the snapshot the decision was made on, for replay
	Decision  *rules.Decision      // nil until decided
	Issuance  *Issuance            // nil until issued
	Rating    int                  // satisfaction 1–5, 0 when not given
}

// Event is one transition in a case's append-only audit trail. The case row is a projection
// of its events; events are never edited.
type Event struct {
	Seq    int64 // global and increasing; consoles resume "after Seq"
	CaseID string
	From   State
	To     State
	Actor  string // "system", "kiosk:<id>", "staff:<id>", "driver:<id>"
	Reason string // a reason code or short text; never personal data
	At     time.Time
}

// CaseStore persists cases and their events. Every change to a case and its event are
// written in one transaction: a crash leaves both or neither.
type CaseStore interface {
	// CreateCase stores a new case in state started together with its first event
	// (From "" → started) and, when c.Owner is set, its owner: all or nothing, so a crash
	// never leaves a case without its owner. ECONFLICT if the ID exists.
	CreateCase(ctx context.Context, c *Case, actor string) error
	// FindCase returns the case with this ID, or ENOTFOUND.
	FindCase(ctx context.Context, id string) (*Case, error)
	// Transition moves c to the state in ev.To if c.Version is still the stored version,
	// appending ev and saving c's data and holder fields in the same transaction; on success
	// it updates c (State, Version, UpdatedAt) and ev (Seq, From, At). ECONFLICT if the
	// version is stale or the transition is not allowed, ENOTFOUND if the case does not exist.
	Transition(ctx context.Context, c *Case, ev *Event) error
	// SaveCase saves c's data without changing its state, if c.Version is still the stored
	// version, and increments c.Version. ECONFLICT if stale, ENOTFOUND if missing.
	SaveCase(ctx context.Context, c *Case) error
	// SaveImage keeps the image a document of kind was read from, replacing an earlier one.
	SaveImage(ctx context.Context, caseID string, kind DocKind, img []byte) error
	// Image returns a stored image, or ENOTFOUND (never kept, or purged).
	Image(ctx context.Context, caseID string, kind DocKind) ([]byte, error)
	// PurgeImages deletes images stored before t and returns how many went.
	PurgeImages(ctx context.Context, before time.Time) (int, error)
	// CasesInState returns up to limit cases in a state, oldest update first.
	CasesInState(ctx context.Context, state State, limit int) ([]*Case, error)
	// CaseEvents returns a case's events in order.
	CaseEvents(ctx context.Context, caseID string) ([]Event, error)
	// EventsAfter returns up to limit events of all cases with Seq > after, in order.
	EventsAfter(ctx context.Context, after int64, limit int) ([]Event, error)
}
