package rules

// Outcome is the result of a decision or of one failed check.
type Outcome string

// The three outcomes of SERVICES.md. Nothing unreadable or doubtful is ever approved or
// rejected automatically: it is escalated to a human.
const (
	Approved  Outcome = "approved"
	Rejected  Outcome = "rejected"
	Escalated Outcome = "escalated"
)

// Result is what one check came to.
type Result string

// Check results as shown in the trace.
const (
	Passed  Result = "passed"
	Failed  Result = "failed"
	Skipped Result = "skipped" // not applicable, or its data is reported missing by another check
)

// Decision is the outcome of one case with its reasons, notes, what is issued, and a trace
// of every check (SERVICES.md "Decision").
type Decision struct {
	Matter  string  `json:"matter"`
	Outcome Outcome `json:"outcome"`
	// Reasons lists every failed check in rule-set order, with the outcome it carries
	// (escalated when it failed for want of data), a citizen-facing message and the basis.
	Reasons []Reason `json:"reasons"`
	// Notes are informational codes about the issue, e.g. TRUNCATED_MAX_DAYS.
	Notes []string `json:"notes"`
	// Issue describes what is issued; nil unless approved. Values are strings (dates as
	// YYYY-MM-DD), integers, lists of strings, or nil.
	Issue map[string]any `json:"issue"`
	Trace []Step         `json:"trace"`
}

// Reason is one failed check as the applicant and staff see it.
type Reason struct {
	Code    string  `json:"code"`
	Outcome Outcome `json:"outcome"`
	Message string  `json:"message"`
	Basis   string  `json:"basis"`
}

// Step is one check in the trace. Missing and Error extend SERVICES.md's trace for the staff
// console: they say which facts were absent, or what was malformed, when a check failed for
// want of data.
type Step struct {
	Check   string   `json:"check"`
	Result  Result   `json:"result"`
	Missing []string `json:"missing,omitempty"`
	Error   string   `json:"error,omitempty"`
}

// MatterInfo describes one matter for the rest of the system: the kiosk menu, the API's
// channel check, and the prompts for documents.
type MatterInfo struct {
	Code      string   // e.g. "DL_DAMAGED_REPLACE"
	Title     string   // e.g. "驾驶证损毁换证"
	Channels  []string // "kiosk", "mini_program"
	Documents []string // required document kinds, in the order to ask for them
	Basis     string   // the legal basis of the matter as a whole
}
