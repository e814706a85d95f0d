package kiosk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
)

// Matters whose output is an electronic pass (SERVICES.md M08, M09).
const (
	MatterTruckPass  = "TRUCK_CITY_PASS"
	MatterHazmatPass = "HAZMAT_TEMP_PASS"
)

// Pass is an electronic pass issued for an approved truck or hazmat case: what its QR code's
// signed token says, and the token itself.
type Pass struct {
	Number     string
	CaseID     string
	Matter     string
	Plate      string
	Zone       string // truck: core or central; hazmat: the route zones, comma-separated
	Hours      string // truck: off_peak or all_day; hazmat: the window HH:MM-HH:MM
	ValidFrom  ident.Date
	ValidUntil ident.Date // a hazmat pass is for one day: ValidFrom
	KeyID      string     // the signing key's ID
	Token      string     // the signed token the QR code carries
	IssuedAt   time.Time
	RevokedAt  time.Time // zero unless revoked
}

// Window returns the instants the pass is valid between, [from, until), in Asia/Shanghai: whole
// days for a truck pass, the time window of its day for a hazmat pass.
func (p Pass) Window() (from, until time.Time) {
	at := func(d ident.Date, hhmm string) time.Time {
		var h, m int
		if hhmm != "" {
			fmt.Sscanf(hhmm, "%d:%d", &h, &m)
		}
		return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, ident.Shanghai())
	}
	if p.Matter == MatterHazmatPass {
		tf, tt, _ := strings.Cut(p.Hours, "-")
		return at(p.ValidFrom, tf), at(p.ValidFrom, tt)
	}
	return at(p.ValidFrom, ""), at(p.ValidUntil.AddDays(1), "")
}

// PassCounts are the registry.passes facts of SERVICES.md.
type PassCounts struct {
	ActiveSameZone  int // passes of this plate for this zone overlapping the requested period, not revoked
	ZoneIssuedToday int // truck passes for this zone issued today, all vehicles
}

// ErrDuplicatePass is AddPass's refusal of a truck pass that overlaps an active pass of the
// same vehicle and zone issued to another case: two applications decided at the same moment
// both saw no such pass, and the ledger lets only the first one through. The other case is
// escalated to staff with reason DUPLICATE_PASS (Service.issue), not rejected, because its
// decision said approved and only a person should turn that round.
var ErrDuplicatePass = Errorf(ECONFLICT, "该车辆在同一区域、同一时段已有有效通行证，已转人工处理。")

// PassLedger keeps issued passes.
type PassLedger interface {
	// AddPass stores p as its case's pass. If the case has a pass already, that pass is
	// returned and p is dropped: issuing is idempotent per case. A truck pass overlapping an
	// active pass of the same plate and zone held by another case is ErrDuplicatePass; the
	// check and the insert are one step for concurrent callers, also across replicas.
	AddPass(ctx context.Context, p *Pass) (*Pass, error)
	// CasePass returns the pass of a case, or ENOTFOUND.
	CasePass(ctx context.Context, caseID string) (*Pass, error)
	// CountPasses counts truck passes for the facts of a request for plate and zone over
	// [from, until], and those of the zone issued on today.
	CountPasses(ctx context.Context, plate, zone string, from, until, today ident.Date) (PassCounts, error)
}

// PassSigner signs a pass's token.
type PassSigner interface {
	// SignPass returns the ID of the key it signed with and the token.
	SignPass(p Pass) (keyID, token string, err error)
}

// PassIssuer issues electronic passes for approved M08 and M09 cases: it signs the pass the
// decision describes and records it. Install it in Service.Issuers for both matters.
type PassIssuer struct {
	Ledger PassLedger
	Signer PassSigner
	Now    func() time.Time
}

var _ Issuer = (*PassIssuer)(nil)

// Issue implements Issuer. After a crash between recording the pass and the case moving to
// issued, the pass already recorded is issued again, never a second one.
func (pi *PassIssuer) Issue(ctx context.Context, c *Case) (Issuance, error) {
	p, err := pi.Ledger.CasePass(ctx, c.ID)
	if ErrorCode(err) == ENOTFOUND {
		if p, err = passFromDecision(c); err != nil {
			return Issuance{}, err
		}
		p.IssuedAt = pi.Now().UTC().Truncate(time.Second)
		if p.KeyID, p.Token, err = pi.Signer.SignPass(*p); err != nil {
			return Issuance{}, fmt.Errorf("sign pass: %w", err)
		}
		p, err = pi.Ledger.AddPass(ctx, p)
	}
	if err != nil {
		return Issuance{}, err
	}
	details := map[string]any{}
	for k, v := range c.Decision.Issue {
		details[k] = v
	}
	details["token"], details["key_id"] = p.Token, p.KeyID
	doc, _ := details["document"].(string)
	return Issuance{Document: doc, Number: p.Number, Details: details, IssuedAt: p.IssuedAt}, nil
}

// passFromDecision reads the pass an approved decision describes (SERVICES.md, M08 and M09
// "Issue").
func passFromDecision(c *Case) (*Pass, error) {
	if c.Decision == nil || c.Decision.Outcome != rules.Approved {
		return nil, fmt.Errorf("case %s: no approved decision to issue a pass from", c.ID)
	}
	is := c.Decision.Issue
	str := func(k string) string { s, _ := is[k].(string); return s }
	date := func(k string) (ident.Date, error) {
		d, err := ident.ParseDate(str(k))
		if err != nil {
			return d, fmt.Errorf("case %s: issue %s: %w", c.ID, k, err)
		}
		return d, nil
	}
	p := &Pass{Number: str("pass_number"), CaseID: c.ID, Matter: c.Matter, Plate: str("plate_number")}
	var err error
	switch c.Matter {
	case MatterTruckPass:
		p.Zone, p.Hours = str("zone"), str("hours")
		if p.ValidFrom, err = date("valid_from"); err != nil {
			return nil, err
		}
		if p.ValidUntil, err = date("valid_until"); err != nil {
			return nil, err
		}
	case MatterHazmatPass:
		p.Zone = strings.Join(stringList(is["route_zones"]), ",")
		p.Hours = str("time_from") + "-" + str("time_to")
		if p.ValidFrom, err = date("date"); err != nil {
			return nil, err
		}
		p.ValidUntil = p.ValidFrom
	default:
		return nil, fmt.Errorf("case %s: matter %s issues no pass", c.ID, c.Matter)
	}
	if p.Number == "" || p.Plate == "" {
		return nil, fmt.Errorf("case %s: issue lacks pass_number or plate_number", c.ID)
	}
	return p, nil
}

// stringList accepts a list as the rules produce it ([]string) or as it reads back from JSON.
func stringList(v any) []string {
	switch l := v.(type) {
	case []string:
		return l
	case []any:
		out := make([]string, 0, len(l))
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// passFacts counts the truck passes a request competes with, for registry.passes. Without a
// ledger, or for a request that names no plate, zone and period, it returns nil, which the rules
// read as zero passes; a malformed request is left to REQUEST_INVALID.
func (s *Service) passFacts(ctx context.Context, c *Case) (*rules.Passes, error) {
	r := c.Request
	if s.Passes == nil || c.Matter != MatterTruckPass || r.PlateNumber == "" || r.Zone == "" ||
		r.ValidFrom.IsZero() || r.ValidUntil.IsZero() {
		return nil, nil
	}
	n, err := s.Passes.CountPasses(ctx, r.PlateNumber, r.Zone, r.ValidFrom, r.ValidUntil, ident.Today(s.Now()))
	if err != nil {
		return nil, fmt.Errorf("count passes: %w", err)
	}
	return &rules.Passes{ActiveSameZone: &n.ActiveSameZone, ZoneIssuedToday: &n.ZoneIssuedToday}, nil
}
