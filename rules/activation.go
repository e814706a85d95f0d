package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// activation resolves variable names against one decision's facts. Values are computed on
// demand: a check reads a handful of the ~300 names.
type activation struct {
	f      *Facts
	m      *matter
	today  ref.Val
	lets   map[string]ref.Val // the matter's let values, once computed
	hash   string
	fields ref.Val
	conf   ref.Val
	flags  ref.Val
}

var _ interpreter.Activation = (*activation)(nil)

func newActivation(f *Facts, m *matter) *activation {
	return &activation{f: f, m: m, today: types.Timestamp{Time: ident.Today(f.Now).Time()}}
}

// ResolveName implements interpreter.Activation.
func (a *activation) ResolveName(name string) (any, bool) {
	if a.m.lets[name] != nil {
		return a.m.letValue(a, name), true
	}
	if v, ok := facts.vars[name]; ok {
		return v.get(a), true
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (a *activation) Parent() interpreter.Activation { return nil }

// digest is the hex SHA-256 of what makes a case one case: the matter, the instant, the
// applicant's ID number and the request. Issued numbers derive from it, so the same facts
// always give the same number, and another applicant, request or instant a different one.
// (Hashing the whole facts would cost more than the rest of a decision.)
func (a *activation) digest() string {
	if a.hash == "" {
		req, err := json.Marshal(a.f.Request)
		if err != nil {
			// Request holds only strings, numbers, booleans and dates; Marshal cannot fail on it.
			panic("rules: request does not marshal: " + err.Error())
		}
		h := sha256.New()
		front := a.f.Documents["id_card_front"].Fields["id_number"]
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", a.f.Matter, a.f.Now.UTC().Format(time.RFC3339Nano), front)
		h.Write(req)
		a.hash = hex.EncodeToString(h.Sum(nil))
	}
	return a.hash
}

// The document maps are built as CEL values once per decision; a Go map would be converted
// by reflection on every access.

func (a *activation) docFields() ref.Val {
	if a.fields == nil {
		a.fields = a.docMap(func(d Document) ref.Val { return types.NewStringStringMap(celAdapt, d.Fields) })
	}
	return a.fields
}

func (a *activation) docConfidence() ref.Val {
	if a.conf == nil {
		a.conf = a.docMap(func(d Document) ref.Val {
			m := make(map[ref.Val]ref.Val, len(d.Confidence))
			for k, v := range d.Confidence {
				m[types.String(k)] = types.Double(v)
			}
			return types.NewRefValMap(celAdapt, m)
		})
	}
	return a.conf
}

func (a *activation) docFlags() ref.Val {
	if a.flags == nil {
		a.flags = a.docMap(func(d Document) ref.Val { return types.NewStringList(celAdapt, d.Flags) })
	}
	return a.flags
}

// docMap maps each document kind to conv of its document.
func (a *activation) docMap(conv func(Document) ref.Val) ref.Val {
	m := make(map[ref.Val]ref.Val, len(a.f.Documents))
	for k, d := range a.f.Documents {
		m[types.String(k)] = conv(d)
	}
	return types.NewRefValMap(celAdapt, m)
}
