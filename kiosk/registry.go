package kiosk

import (
	"context"
	"encoding/json"
)

// Registry is the bureau's records that decisions read (SERVICES.md, registry objects). Here
// it is a local mirror filled by `xiaozhi registry import`; a deployment may implement it
// against the bureau's own systems.
type Registry interface {
	// Lookup returns the record of a kind ("person", "driver", "vehicle", …) under its key
	// (an ID number or a plate) as a JSON object, ENOTFOUND when there is none, and
	// EUNAVAILABLE when the records cannot be reached.
	Lookup(ctx context.Context, kind, key string) (json.RawMessage, error)
}
