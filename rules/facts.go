package rules

import (
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// Facts is everything one decision may look at (SERVICES.md "Facts"): what the documents say,
// what the applicant asks for, what the bureau's registry knows, and the time. The kiosk domain
// builds it from a case; DecodeFacts reads it from JSON.
//
// Absent values follow one convention so that "missing" is never mistaken for a value: a
// string is absent when empty, a date or time when zero, a number when its pointer is nil, a
// registry object when its pointer is nil. A bool is simply false ("is true" treats null as not
// true). The rules decide what an absent value means (SERVICES.md, Evaluation 3–4).
type Facts struct {
	Matter    string              `json:"matter"`
	Channel   string              `json:"channel"`
	Now       time.Time           `json:"now"`
	Applicant Applicant           `json:"applicant"`
	Documents map[string]Document `json:"documents"`
	Request   Request             `json:"request"`
	Registry  Registry            `json:"registry"`
}

// Applicant is who stands at the kiosk. Name, sex, birth date and ID number are those read from
// the id_card_front document.
type Applicant struct {
	IsAgent bool `json:"is_agent"`
}

// Document is what the reader made of one document: normalised field values keyed as in
// CARDS.md, a confidence in [0,1] per field (a missing confidence counts as 0), quality flags.
type Document struct {
	Fields     map[string]string  `json:"fields"`
	Confidence map[string]float64 `json:"confidence"`
	Flags      []string           `json:"flags"`
}

// Request is the applicant's own input, the union of every matter's request keys. The API
// validates it before a case is decided; in rules an empty or malformed value simply fails the
// matter's REQUEST_INVALID check. Strings, numbers and lists read as their zero value when
// absent; dates and times of day are absent when zero or empty.
type Request struct {
	Phone          string     `json:"phone" rules:"optional"`
	Address        string     `json:"address" rules:"optional"`
	SMSVerified    bool       `json:"sms_verified"`
	PlateNumber    string     `json:"plate_number" rules:"optional"`
	Reason         string     `json:"reason" rules:"optional"`
	Zone           string     `json:"zone" rules:"optional"`
	ValidFrom      ident.Date `json:"valid_from"`
	ValidUntil     ident.Date `json:"valid_until"`
	Date           ident.Date `json:"date"`
	TimeFrom       string     `json:"time_from" rules:"clock"`
	TimeTo         string     `json:"time_to" rules:"clock"`
	UNClass        string     `json:"un_class" rules:"optional"`
	CargoName      string     `json:"cargo_name" rules:"optional"`
	Toxic          bool       `json:"toxic"`
	RouteZones     []string   `json:"route_zones" rules:"optional"`
	EscortIDNumber string     `json:"escort_id_number" rules:"optional"`
	Purpose        string     `json:"purpose" rules:"optional"`
	Type           string     `json:"type" rules:"optional"`
	Period         string     `json:"period" rules:"optional"`
	Trips          int        `json:"trips"`
}

// Registry is what the bureau's systems know. A nil object means the systems have no record,
// except Passes and ResidenceEvidence, where nil means zero passes and no evidence.
type Registry struct {
	Person            *Person            `json:"person"`
	Driver            *Driver            `json:"driver"`
	Vehicle           *Vehicle           `json:"vehicle"`
	Passes            *Passes            `json:"passes" rules:"optional"`
	Carrier           *Carrier           `json:"carrier"`
	Escort            *Escort            `json:"escort"`
	IDCardApplication *IDCardApplication `json:"id_card_application"`
	TempIDValidUntil  ident.Date         `json:"temp_id_valid_until"`
	ResidencePermit   *ResidencePermit   `json:"residence_permit"`
	ResidenceEvidence *ResidenceEvidence `json:"residence_evidence" rules:"optional"`
	CriminalRecord    *CriminalRecord    `json:"criminal_record"`
	ExitEntry         *ExitEntry         `json:"exit_entry"`
}

// Person is the population registry's record of the applicant.
type Person struct {
	IDNumber        string `json:"id_number"`
	Name            string `json:"name"`
	HukouRegion     string `json:"hukou_region"`                      // 6-digit code
	ResidenceRegion string `json:"residence_region" rules:"optional"` // empty: no residence registration
	Status          string `json:"status"`                            // normal, cancelled, moving_out
	VehiclesOwned   *int   `json:"vehicles_owned"`
}

// Driver is the applicant's driving licence record.
type Driver struct {
	LicenceNumber            string       `json:"licence_number"`
	Classes                  string       `json:"classes"` // concatenated, e.g. "A2D"
	Status                   string       `json:"status"`  // a set of letters, "A" is normal
	FirstIssueDate           ident.Date   `json:"first_issue_date"`
	ValidFrom                ident.Date   `json:"valid_from"`
	ValidUntil               ident.Date   `json:"valid_until"` // zero when Term is "long"
	Term                     string       `json:"term"`        // 6y, 10y, long
	FullScoreInTerm          *int         `json:"full_score_in_term"`
	PendingViolations        *int         `json:"pending_violations"`
	Reissues12m              *int         `json:"reissues_12m"`
	Issuer                   string       `json:"issuer"`
	MedicalCert              *MedicalCert `json:"medical_cert"`
	HazmatQualificationUntil ident.Date   `json:"hazmat_qualification_until"`
}

// MedicalCert is the latest certificate of physical condition on file.
type MedicalCert struct {
	IssuedOn ident.Date `json:"issued_on"`
	Result   string     `json:"result"` // qualified, conditional, unqualified
}

// Vehicle is the motor-vehicle registration record.
type Vehicle struct {
	PlateNumber             string     `json:"plate_number"`
	PlateType               string     `json:"plate_type"`   // 01 large, 02 small, 51/52 new energy
	VehicleType             string     `json:"vehicle_type"` // H32, K33, Q11, Z11 …
	UseNature               string     `json:"use_nature"`   // A, F, L, R …
	Fuel                    string     `json:"fuel"`         // letters: A petrol, B diesel, C electric …
	Emission                string     `json:"emission"`     // GB1 … GB6b; empty when unknown
	VIN                     string     `json:"vin"`
	OwnerIDNumber           string     `json:"owner_id_number"`
	OwnerKind               string     `json:"owner_kind"` // person, company
	AuthorizedDriverIDs     []string   `json:"authorized_driver_ids" rules:"optional"`
	Status                  string     `json:"status"` // a set of letters, "A" is normal
	RegisteredOn            ident.Date `json:"registered_on"`
	InspectionValidUntil    ident.Date `json:"inspection_valid_until"`
	InsuranceValidUntil     ident.Date `json:"insurance_valid_until"`
	ScrapDate               ident.Date `json:"scrap_date"` // zero: no scrap limit
	Seats                   *int       `json:"seats"`
	Issuer                  string     `json:"issuer"`
	PendingViolations       *int       `json:"pending_violations"`
	AccidentInjury          bool       `json:"accident_injury"`
	IllegalModification     bool       `json:"illegal_modification"`
	Reissues12m             *int       `json:"reissues_12m"`
	RoadTransportCertUntil  ident.Date `json:"road_transport_cert_until"`
	LiabilityInsuranceUntil ident.Date `json:"liability_insurance_until"`
	GPSLastSeen             time.Time  `json:"gps_last_seen"`
}

// Passes counts the truck passes already issued.
type Passes struct {
	ActiveSameZone  *int `json:"active_same_zone"`  // this vehicle, requested zone, overlapping period
	ZoneIssuedToday *int `json:"zone_issued_today"` // all vehicles, requested zone
}

// Carrier is the hazardous-goods road transport permit of the vehicle's operator.
type Carrier struct {
	PermitUntil ident.Date `json:"permit_until"`
	Scope       []string   `json:"scope"` // UN classes "1" … "9"
}

// Escort is the registered escort (押运员) named in the request.
type Escort struct {
	IDNumber           string     `json:"id_number"`
	QualificationUntil ident.Date `json:"qualification_until"`
}

// IDCardApplication is the applicant's pending application for a resident ID card.
type IDCardApplication struct {
	Status string `json:"status"` // open, none
}

// ResidencePermit is the applicant's 居住证.
type ResidencePermit struct {
	Number             string     `json:"number"`
	IssuedOn           ident.Date `json:"issued_on"`
	IssuerRegion       string     `json:"issuer_region"`
	Status             string     `json:"status"` // valid, suspended, cancelled
	EndorsedUntil      ident.Date `json:"endorsed_until"`
	RegistrationActive bool       `json:"registration_active"`
}

// ResidenceEvidence is what supports a residence endorsement.
type ResidenceEvidence struct {
	InsuredMonthsLast6 *int `json:"insured_months_last_6"`
	HousingRecord      bool `json:"housing_record"`
	SchoolEnrolment    bool `json:"school_enrolment"`
}

// CriminalRecord is the result of the criminal-record query for the applicant.
type CriminalRecord struct {
	Result          string `json:"result"` // none, found, ambiguous
	QueriesThisYear *int   `json:"queries_this_year"`
}

// ExitEntry is the applicant's exit-entry record and Hong Kong/Macao permit.
type ExitEntry struct {
	PermitNumber     string     `json:"permit_number"`
	PermitValidUntil ident.Date `json:"permit_valid_until"`
	ExitBan          bool       `json:"exit_ban"`
	StateFunctionary bool       `json:"state_functionary"`
	OverstayRecord   bool       `json:"overstay_record"`
}
