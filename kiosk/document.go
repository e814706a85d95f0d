package kiosk

// DocKind names a kind of document and its side, as in CARDS.md. The values are wire names:
// they appear in facts, JSON responses and command lines.
type DocKind string

// The document kinds Xiaozhi reads. KindAuto asks the reader to decide kind and side itself.
const (
	KindIDCardFront    DocKind = "id_card_front"
	KindIDCardBack     DocKind = "id_card_back"
	KindDrivingLicence DocKind = "driving_licence"
	KindVehicleLicence DocKind = "vehicle_licence"
	KindAuto           DocKind = "auto"
)

// DocKinds lists the concrete kinds, in the order a kiosk asks for them.
var DocKinds = []DocKind{KindIDCardFront, KindIDCardBack, KindDrivingLicence, KindVehicleLicence}

// Valid reports whether k is a concrete kind (not auto).
func (k DocKind) Valid() bool {
	for _, c := range DocKinds {
		if k == c {
			return true
		}
	}
	return false
}

// Quality flags of CARDS.md §5, reported per document beside its fields.
const (
	FlagBlurred         = "blurred"
	FlagGlare           = "glare"
	FlagTooDark         = "too_dark"
	FlagCropped         = "cropped"
	FlagTooSmall        = "too_small"
	FlagNotACard        = "not_a_card"
	FlagWrongSide       = "wrong_side"
	FlagUpsideDown      = "upside_down"
	FlagScreenRecapture = "screen_recapture"
	FlagPhotocopy       = "photocopy"
)

// Document is what a reader made of one captured image: normalised field values keyed as in
// CARDS.md, a confidence in [0,1] per field, and quality flags.
type Document struct {
	Kind       DocKind
	Fields     map[string]string
	Confidence map[string]float64
	Flags      []string
}

// HasFlag reports whether the document carries the quality flag f.
func (d Document) HasFlag(f string) bool {
	for _, g := range d.Flags {
		if g == f {
			return true
		}
	}
	return false
}
