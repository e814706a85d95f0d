package kiosk

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// Issuance is what an approved case produced: the matter's output (SERVICES.md, "Issue") and
// what the applicant needs to collect or show it.
type Issuance struct {
	Document string         // the decision's issue document ("driving_licence", "truck_pass", …) or record
	Number   string         // pickup slip, pass or certificate number
	Details  map[string]any // the decision's issue, plus what the issuer added (counter, token, …)
	IssuedAt time.Time
}

// Issuer produces a matter's output for an approved case. Issuers for passes sign tokens;
// the default keeps the decision's issue under a slip number.
type Issuer interface {
	// Issue returns the issuance for c, an approved case with its decision. It must be
	// idempotent for one case: Recover calls it again after a crash.
	Issue(ctx context.Context, c *Case) (Issuance, error)
}

// IssuerFunc adapts a function to Issuer.
type IssuerFunc func(ctx context.Context, c *Case) (Issuance, error)

// Issue implements Issuer.
func (f IssuerFunc) Issue(ctx context.Context, c *Case) (Issuance, error) { return f(ctx, c) }

// slipIssuer is the default: the decision's issue as it stands, under a number made of the
// issue date and the case ID, which is unique and easy to read out at a counter.
func (s *Service) slipIssuer(_ context.Context, c *Case) (Issuance, error) {
	now := s.Now()
	details := maps.Clone(c.Decision.Issue)
	doc, _ := details["document"].(string)
	if doc == "" {
		doc, _ = details["record"].(string)
	}
	id := strings.ToUpper(c.ID)
	if len(id) > 8 {
		id = id[:8]
	}
	return Issuance{
		Document: doc,
		Number:   fmt.Sprintf("XZ%s%s", strings.ReplaceAll(ident.Today(now).String(), "-", ""), id),
		Details:  details,
		IssuedAt: now,
	}, nil
}

// issue produces the approved case's output and moves it to issued, or to escalated when the
// output conflicts with one issued meanwhile.
func (s *Service) issue(ctx context.Context, c *Case) error {
	issuer := s.Issuers[c.Matter]
	if issuer == nil {
		issuer = IssuerFunc(s.slipIssuer)
	}
	iss, err := issuer.Issue(ctx, c)
	if ErrorCode(err) == ECONFLICT {
		// The output clashes with one issued meanwhile (ErrDuplicatePass, or a pass number
		// taken): a person sorts it out. Retrying would clash again, and Recover with it.
		reason := "ISSUE_CONFLICT"
		if errors.Is(err, ErrDuplicatePass) {
			reason = "DUPLICATE_PASS"
		}
		return s.transition(ctx, c, StateEscalated, "system", reason)
	}
	if err != nil {
		return fmt.Errorf("issue case %s: %w", c.ID, err)
	}
	c.Issuance = &iss
	return s.transition(ctx, c, StateIssued, "system", "issued")
}
