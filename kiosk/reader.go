package kiosk

import "context"

// Reader reads one document from an encoded image (JPEG or PNG).
//
// Read returns EUNREADABLE when the bytes are not a decodable image or exceed the reader's
// pixel limits, EUNAVAILABLE when the reading machinery is down or timed out, and otherwise a
// Document, possibly with quality flags and low confidences: a poor photo is a result, not an
// error. Implementations must be safe for concurrent use.
type Reader interface {
	Read(ctx context.Context, img []byte, kind DocKind) (Document, error)
}
