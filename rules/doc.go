// Package rules decides the 13 matters of SERVICES.md: it loads one YAML rule set per matter,
// type-checks every check (a CEL expression) against the facts schema at load time, and
// evaluates them into a Decision with reasons, notes, what is issued, and a trace.
//
// For the kiosk domain the whole API is:
//
//	engine, err := rules.Default()                   // or rules.Load(rules.Builtin(), os.DirFS(dir))
//	info := engine.Matters()                         // code, title, channels, required documents
//	d, err := engine.Decide(rules.Facts{Matter: ..., Now: ..., Documents: ..., Request: ..., Registry: ...})
//
// Decide is pure and deterministic: no clock (today is derived from Facts.Now in
// Asia/Shanghai), no I/O, no logging, safe for concurrent use. It returns an error only for
// facts no rule set can read (an unknown matter, no time); missing or doubtful data gives an
// escalated decision. Issued numbers (pass_number, certificate_number) are derived from a
// SHA-256 of the matter, the instant, the applicant's ID number and the request, so a retried
// case gets the same number and any other case a different one; the caller supplies nothing.
//
// Evaluation follows SERVICES.md: identity gate first (a failure escalates), then
// rejected > escalated > approved. Absent values are CEL unknowns, so logic is three-valued as
// the spec asks; a check that cannot be decided for want of data fails as escalated, and its
// trace step lists the missing facts. A check that reads a null registry object skips; a check
// that reads absent.X names the null case of X, and when it fails, the other checks reading X
// skip instead of piling up. README.md explains the rule files for bureau staff.
//
// Expressions are compiled once, at Load. Each also gets a load-time estimate of its worst-case
// cost; those within the limit run without CEL's runtime cost meter unless the facts hold an
// unusually large value, and the rest run metered (cost.go explains why that is as safe).
package rules
