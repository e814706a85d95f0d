package kiosk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/rules"
)

// Service runs cases: it starts them, reads documents into them, decides them with the
// matter's rule set, and records every step as an event.
type Service struct {
	Cases    CaseStore
	Registry Registry
	Reader   Reader
	Rules    *rules.Engine
	// Feed receives every transition, for the screens and consoles watching.
	Feed *Feed
	// Issuers produce the output of approved cases by matter; others get a pickup slip.
	Issuers map[string]Issuer
	// Passes counts the passes already issued, for registry.passes; nil means zero passes.
	Passes PassLedger
	Logger *slog.Logger
	// Now is the clock; tests set it.
	Now func() time.Time
	// NewID makes case IDs; the default is 16 random hex digits.
	NewID func() string
	// Camera captures documents at a kiosk (capture.go); nil on a machine without one.
	Camera Camera
	// SMS sends verification codes to applicants' phones (sms.go); nil when none is set up.
	SMS SMSSender
	// hall holds the kiosk's capture lock and pending SMS codes (capture.go); a pointer, so
	// that a Service stays copyable.
	hall *hall
}

// NewService returns a Service with the default clock and ID source.
func NewService(cases CaseStore, registry Registry, reader Reader, engine *rules.Engine, logger *slog.Logger) *Service {
	return &Service{Cases: cases, Registry: registry, Reader: reader, Rules: engine, Logger: logger,
		Feed: NewFeed(), Issuers: map[string]Issuer{}, Now: time.Now, NewID: randomID, hall: &hall{}}
}

func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// StartCase opens a case for a matter on a channel. EINVALID for an unknown matter or one the
// channel does not offer.
func (s *Service) StartCase(ctx context.Context, matter string, ch Channel, actor string) (*Case, error) {
	return s.StartOwnedCase(ctx, matter, ch, "", actor)
}

// StartOwnedCase is StartCase for a case that belongs to someone (a mini-program driver): the
// owner is stored together with the case, never after it.
func (s *Service) StartOwnedCase(ctx context.Context, matter string, ch Channel, owner, actor string) (*Case, error) {
	info, ok := s.Rules.Matter(matter)
	if !ok {
		return nil, Errorf(EINVALID, "未知的业务事项。")
	}
	if !slices.Contains(info.Channels, string(ch)) {
		return nil, Errorf(EINVALID, "“%s”不能通过此渠道办理。", info.Title)
	}
	c := &Case{ID: s.NewID(), Matter: matter, Channel: ch, Owner: owner}
	if err := s.Cases.CreateCase(ctx, c, actor); err != nil {
		return nil, err
	}
	return c, nil
}

// Case returns a case by ID (ENOTFOUND).
func (s *Service) Case(ctx context.Context, id string) (*Case, error) {
	return s.Cases.FindCase(ctx, id)
}

// retakeFlags are the quality flags that ask the applicant for another capture (CARDS.md §5);
// the others either read on (upside_down) or go to staff (screen_recapture, photocopy).
var retakeFlags = []string{FlagBlurred, FlagGlare, FlagTooDark, FlagCropped, FlagTooSmall, FlagNotACard, FlagWrongSide}

// NeedsRetake returns the first flag of d that asks for another capture, or "".
func NeedsRetake(d Document) string {
	for _, f := range retakeFlags {
		if d.HasFlag(f) {
			return f
		}
	}
	return ""
}

// ReadDocument reads an image as a document of kind (or KindAuto) into the case, keeping the
// image, and returns what was read. A poor photo is a result with flags (see NeedsRetake),
// not an error; EUNREADABLE means the bytes are no image, EUNAVAILABLE that reading is down.
// ECONFLICT when the case no longer takes documents.
func (s *Service) ReadDocument(ctx context.Context, id string, kind DocKind, img []byte, actor string) (*Case, Document, error) {
	if kind != KindAuto && !kind.Valid() {
		return nil, Document{}, Errorf(EINVALID, "未知的证件类型。")
	}
	c, err := s.Cases.FindCase(ctx, id)
	if err != nil {
		return nil, Document{}, err
	}
	if c.State != StateStarted && c.State != StateCapturing && c.State != StateReviewing {
		return nil, Document{}, Errorf(ECONFLICT, "该业务已不再接收证件。")
	}
	doc, err := s.Reader.Read(ctx, img, kind)
	if err != nil {
		return nil, Document{}, err
	}
	if !doc.Kind.Valid() {
		// The reader could not tell what it saw; nothing is stored under a guessed kind.
		return c, doc, nil
	}
	if c.Documents == nil {
		c.Documents = map[DocKind]Document{}
	}
	c.Documents[doc.Kind] = doc
	// The image first: a crash between the two leaves an orphan image, never a document
	// without the image it was read from.
	if err := s.Cases.SaveImage(ctx, c.ID, doc.Kind, img); err != nil {
		return nil, Document{}, err
	}
	if c.State == StateCapturing {
		err = s.Cases.SaveCase(ctx, c)
	} else {
		err = s.transition(ctx, c, StateCapturing, actor, "document:"+string(doc.Kind))
	}
	if err != nil {
		return nil, Document{}, err
	}
	return c, doc, nil
}

// Submit takes the applicant's request, decides the case and, when approved, issues the
// matter's output. It returns the case in its final state for this step: issued, rejected or
// escalated. A registry that cannot be read escalates the case rather than failing it.
func (s *Service) Submit(ctx context.Context, id string, req rules.Request, phone, actor string) (*Case, error) {
	c, err := s.Cases.FindCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.State != StateCapturing && c.State != StateReviewing {
		return nil, Errorf(ECONFLICT, "该业务当前不能提交。")
	}
	c.Request, c.Phone = req, phone
	if err := s.transition(ctx, c, StateDeciding, actor, ""); err != nil {
		return nil, err
	}
	return s.decide(ctx, c)
}

// decide runs the rule set on a case in state deciding and records the outcome. It is also
// how a case left in deciding by a crash is finished: decisions are deterministic.
func (s *Service) decide(ctx context.Context, c *Case) (*Case, error) {
	facts, err := s.facts(ctx, c)
	if err != nil {
		if ErrorCode(err) == EUNAVAILABLE || ErrorCode(err) == EINTERNAL {
			s.Logger.WarnContext(ctx, "registry unavailable, escalating", "case_id", c.ID, "err", err)
			if terr := s.transition(ctx, c, StateEscalated, "system", "REGISTRY_UNAVAILABLE"); terr != nil {
				return nil, terr
			}
			return c, nil
		}
		return nil, err
	}
	d, err := s.Rules.Decide(facts)
	if err != nil {
		return nil, fmt.Errorf("decide case %s: %w", c.ID, err)
	}
	c.Facts, c.Decision = &facts, &d
	to := map[rules.Outcome]State{rules.Approved: StateApproved, rules.Rejected: StateRejected, rules.Escalated: StateEscalated}[d.Outcome]
	if to == "" {
		return nil, fmt.Errorf("decide case %s: unknown outcome %q", c.ID, d.Outcome)
	}
	if err := s.transition(ctx, c, to, "system", reasonCodes(d)); err != nil {
		return nil, err
	}
	if to == StateApproved {
		if err := s.issue(ctx, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// transition moves c to state to, recording the event, and tells the feed.
func (s *Service) transition(ctx context.Context, c *Case, to State, actor, reason string) error {
	ev := Event{To: to, Actor: actor, Reason: reason}
	if err := s.Cases.Transition(ctx, c, &ev); err != nil {
		return err
	}
	s.Feed.Publish(ev)
	return nil
}

// reasonCodes summarises a decision for the audit trail: codes only, no personal data.
func reasonCodes(d rules.Decision) string {
	codes := make([]string, 0, len(d.Reasons))
	for _, r := range d.Reasons {
		codes = append(codes, r.Code)
	}
	if len(codes) == 0 {
		return string(d.Outcome)
	}
	return strings.Join(codes, ",")
}

// Cancel ends a case that has not been decided (the applicant left, or it timed out).
func (s *Service) Cancel(ctx context.Context, id, actor, reason string) (*Case, error) {
	c, err := s.Cases.FindCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.transition(ctx, c, StateCancelled, actor, reason); err != nil {
		return nil, err
	}
	return c, nil
}

// Rate records the applicant's satisfaction (1–5) on a finished case.
func (s *Service) Rate(ctx context.Context, id string, rating int) (*Case, error) {
	if rating < 1 || rating > 5 {
		return nil, Errorf(EINVALID, "评价须为 1 到 5 分。")
	}
	c, err := s.Cases.FindCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if !c.State.Terminal() && c.State != StateEscalated {
		return nil, Errorf(ECONFLICT, "业务办结后才能评价。")
	}
	c.Rating = rating
	if err := s.Cases.SaveCase(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Recover finishes what a crash interrupted: cases left in deciding are decided again (the
// same facts give the same decision), and approved cases not yet issued are issued. It
// returns how many it finished.
func (s *Service) Recover(ctx context.Context) (int, error) {
	n := 0
	for _, st := range []State{StateDeciding, StateApproved} {
		stuck, err := s.Cases.CasesInState(ctx, st, 1000)
		if err != nil {
			return n, err
		}
		for _, c := range stuck {
			if st == StateDeciding {
				_, err = s.decide(ctx, c)
			} else {
				err = s.issue(ctx, c)
			}
			if err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
