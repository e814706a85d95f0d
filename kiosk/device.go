package kiosk

import (
	"context"
	"time"
)

// Station is a registered kiosk machine in a hall. Every request from a kiosk screen carries
// the station's credential; a revoked station is refused at once.
type Station struct {
	ID        string
	Name      string
	CreatedAt time.Time
	RevokedAt time.Time // zero while active
}

// Active reports whether the station may still act.
func (s Station) Active() bool { return s.RevokedAt.IsZero() }

// StationStore keeps stations and their credentials. Credentials are stored only as hashes:
// the plain credential exists once, in AddStation's result.
type StationStore interface {
	// AddStation registers a station and returns it with its credential. ECONFLICT if the
	// name is taken.
	AddStation(ctx context.Context, name string) (Station, string, error)
	// StationByCredential returns the active station holding the credential, or
	// EUNAUTHORIZED (unknown or revoked).
	StationByCredential(ctx context.Context, credential string) (Station, error)
	// RevokeStation revokes a station by name. ENOTFOUND if there is none.
	RevokeStation(ctx context.Context, name string) error
	// Stations lists all stations, active and revoked, by name.
	Stations(ctx context.Context) ([]Station, error)
}
