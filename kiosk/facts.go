package kiosk

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/xiaozhi-kiosk/xiaozhi/rules"
)

// facts assembles what the matter's rule set decides on: the documents read, the request,
// the registry records of the applicant (by the ID number read from the card), of the vehicle
// (by the requested plate) and of the escort, and the time.
func (s *Service) facts(ctx context.Context, c *Case) (rules.Facts, error) {
	f := rules.Facts{
		Matter:    c.Matter,
		Channel:   string(c.Channel),
		Now:       s.Now(),
		Documents: map[string]rules.Document{},
		Request:   c.Request,
	}
	for kind, d := range c.Documents {
		f.Documents[string(kind)] = rules.Document{Fields: d.Fields, Confidence: d.Confidence, Flags: d.Flags}
	}

	id := c.Documents[KindIDCardFront].Fields["id_number"]
	plate := c.Request.PlateNumber
	lookups := []struct {
		kind, key string
		into      any
	}{
		{"person", id, &f.Registry.Person},
		{"driver", id, &f.Registry.Driver},
		{"residence_permit", id, &f.Registry.ResidencePermit},
		{"residence_evidence", id, &f.Registry.ResidenceEvidence},
		{"criminal_record", id, &f.Registry.CriminalRecord},
		{"exit_entry", id, &f.Registry.ExitEntry},
		{"vehicle", plate, &f.Registry.Vehicle},
		{"carrier", plate, &f.Registry.Carrier},
		{"escort", c.Request.EscortIDNumber, &f.Registry.Escort},
	}
	for _, l := range lookups {
		if err := s.lookup(ctx, l.kind, l.key, l.into); err != nil {
			return f, err
		}
	}
	var err error
	if f.Registry.Passes, err = s.passFacts(ctx, c); err != nil {
		return f, err
	}
	// The ID-card application record carries the outstanding temporary card beside its status,
	// as SERVICES.md places temp_id_valid_until beside id_card_application.
	var app struct {
		rules.IDCardApplication
		TempIDValidUntil json.RawMessage `json:"temp_id_valid_until"`
	}
	var found bool
	if err := s.lookupFound(ctx, "id_card_application", id, &app, &found); err != nil {
		return f, err
	}
	if found {
		f.Registry.IDCardApplication = &app.IDCardApplication
		if len(app.TempIDValidUntil) > 0 {
			if err := json.Unmarshal(app.TempIDValidUntil, &f.Registry.TempIDValidUntil); err != nil {
				return f, Errorf(EUNAVAILABLE, "业务档案数据有误，已转人工处理。")
			}
		}
	}
	return f, nil
}

// lookup decodes the record of kind under key into the pointer-to-pointer into, leaving it
// nil when there is no key or no record: rules read nil as "the systems have no record".
func (s *Service) lookup(ctx context.Context, kind, key string, into any) error {
	var found bool
	return s.lookupFound(ctx, kind, key, into, &found)
}

func (s *Service) lookupFound(ctx context.Context, kind, key string, into any, found *bool) error {
	*found = false
	if key == "" {
		return nil
	}
	raw, err := s.Registry.Lookup(ctx, kind, key)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	} else if err != nil {
		return fmt.Errorf("registry %s: %w", kind, err)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		// A malformed record is the bureau's data problem, not the applicant's: say so
		// without details (they may be personal) and let staff look.
		return Errorf(EUNAVAILABLE, "业务档案数据有误，已转人工处理。")
	}
	*found = true
	return nil
}
