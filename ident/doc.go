// Package ident parses and validates the identifiers Xiaozhi reads from documents and registry
// records: calendar dates, resident ID numbers (GB 11643), vehicle identification numbers
// (ISO 3779), number plates (GA 36) and driving-licence classes.
//
// Everything here is pure and uses only the standard library, so the reader can use it to
// validate and correct OCR output and the rules can use it to decide. Errors wrap sentinel
// values (ErrIDCheck, ErrVINCheck, ErrPlateShape, …) so callers can test them with errors.Is
// while the message says exactly what is wrong.
package ident
