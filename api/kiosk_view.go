package api

import (
	"fmt"
	"strings"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// The kiosk's wire format. Personal data is masked everywhere except the one thing the
// citizen must check on the confirmation screen: their own name (the ID number stays masked
// there too). Nothing else personal ever leaves in a response.

type kioskMatterResponse struct {
	Code      string   `json:"code"`
	Title     string   `json:"title"`
	Documents []string `json:"documents"`
}

type kioskCaseResponse struct {
	ID          string                   `json:"id"`
	Matter      string                   `json:"matter"`
	MatterTitle string                   `json:"matter_title"`
	State       string                   `json:"state"`
	Version     int                      `json:"version"`
	Documents   map[string]kioskDocument `json:"documents"`
	Missing     []string                 `json:"missing"`
	Phone       string                   `json:"phone,omitempty"`
	Result      *kioskResult             `json:"result,omitempty"`
	Rating      int                      `json:"rating,omitempty"`
	UpdatedAt   time.Time                `json:"updated_at"`
}

type kioskDocument struct {
	Kind   string            `json:"kind"`
	Title  string            `json:"title"`
	Fields map[string]string `json:"fields"` // display label → value, masked
	Flags  []string          `json:"flags"`
}

// kioskResult is what the result screen shows and says.
type kioskResult struct {
	Outcome  string         `json:"outcome"` // approved (issued), rejected, escalated, cancelled
	Title    string         `json:"title"`
	Lines    []string       `json:"lines"`
	Speech   string         `json:"speech"`
	Reasons  []kioskReason  `json:"reasons,omitempty"`
	Issuance *kioskIssuance `json:"issuance,omitempty"`
}

type kioskReason struct {
	Code    string `json:"code"`
	Outcome string `json:"outcome"`
	Message string `json:"message"`
	Basis   string `json:"basis,omitempty"`
}

type kioskIssuance struct {
	Document string `json:"document"`
	Number   string `json:"number"`
	Counter  string `json:"counter,omitempty"`
}

type kioskDocumentResponse struct {
	Case     kioskCaseResponse    `json:"case"`
	Document kioskDocument        `json:"document"`
	Retake   string               `json:"retake,omitempty"` // a flag asking for another capture
	Prompt   *kioskPromptResponse `json:"prompt,omitempty"` // what to tell the applicant, when retaking
}

type kioskPromptResponse struct {
	Type   string `json:"type"`
	CaseID string `json:"case_id"`
	Code   string `json:"code"`
	Text   string `json:"text"`
	Speech string `json:"speech"`
}

func kioskPromptMessage(caseID string, p kiosk.Prompt) kioskPromptResponse {
	return kioskPromptResponse{Type: "prompt", CaseID: caseID, Code: p.Code, Text: p.Text, Speech: p.Speech}
}

var kioskDocTitles = map[string]string{
	string(kiosk.KindIDCardFront):    "身份证人像面",
	string(kiosk.KindIDCardBack):     "身份证国徽面",
	string(kiosk.KindDrivingLicence): "驾驶证",
	string(kiosk.KindVehicleLicence): "行驶证",
}

// kioskDocLabels are the fields shown for confirmation, in order, with their labels. Only
// what the citizen can check against the card in their hand; addresses and birth dates are
// not shown at all.
var kioskDocLabels = map[kiosk.DocKind][][2]string{
	kiosk.KindIDCardFront:    {{"name", "姓名"}, {"id_number", "公民身份号码"}},
	kiosk.KindIDCardBack:     {{"valid_until", "有效期至"}},
	kiosk.KindDrivingLicence: {{"licence_number", "证号"}, {"classes", "准驾车型"}},
	kiosk.KindVehicleLicence: {{"plate_number", "号牌号码"}},
}

// kioskConfirming reports whether a case is still at the stage where the applicant checks what
// was read; only then does a response carry the name unmasked.
func kioskConfirming(c *kiosk.Case) bool { return c.State.TakesDocuments() }

func kioskDocumentView(d kiosk.Document, showName bool) kioskDocument {
	v := kioskDocument{Kind: string(d.Kind), Title: kioskDocTitles[string(d.Kind)], Fields: map[string]string{}, Flags: d.Flags}
	if v.Flags == nil {
		v.Flags = []string{}
	}
	for _, f := range kioskDocLabels[d.Kind] {
		val := d.Fields[f[0]]
		switch f[0] {
		case "name":
			if !showName {
				val = kioskMaskName(val)
			}
		case "id_number", "licence_number":
			val = kioskMaskID(val)
		}
		v.Fields[f[1]] = val
	}
	return v
}

func (s *Server) kioskMissing(c *kiosk.Case) []string {
	info, _ := s.Kiosk.Rules.Matter(c.Matter)
	var missing []string
	for _, k := range info.Documents {
		if _, ok := c.Documents[kiosk.DocKind(k)]; !ok {
			missing = append(missing, k)
		}
	}
	return missing
}

func (s *Server) kioskCaseView(c *kiosk.Case) kioskCaseResponse {
	info, _ := s.Kiosk.Rules.Matter(c.Matter)
	v := kioskCaseResponse{ID: c.ID, Matter: c.Matter, MatterTitle: info.Title, State: string(c.State),
		Version: c.Version, Documents: map[string]kioskDocument{}, Missing: s.kioskMissing(c),
		Phone: kioskMaskPhone(c.Phone), Rating: c.Rating, UpdatedAt: c.UpdatedAt}
	if v.Missing == nil {
		v.Missing = []string{}
	}
	for k, d := range c.Documents {
		v.Documents[string(k)] = kioskDocumentView(d, kioskConfirming(c))
	}
	v.Result = kioskResultView(c)
	return v
}

func (s *Server) kioskDocumentResult(c *kiosk.Case, d kiosk.Document) kioskDocumentResponse {
	r := kioskDocumentResponse{Case: s.kioskCaseView(c), Document: kioskDocumentView(d, true), Retake: kiosk.NeedsRetake(d)}
	if r.Retake != "" {
		p := kioskPromptMessage(c.ID, kiosk.RetakePrompt(d.Kind, r.Retake))
		r.Prompt = &p
	}
	return r
}

// kioskResultView words the outcome for the result screen; nil while there is none.
func kioskResultView(c *kiosk.Case) *kioskResult {
	r := &kioskResult{}
	switch c.State {
	case kiosk.StateIssued:
		r.Outcome, r.Title = "approved", "办理成功"
		if iss := c.Issuance; iss != nil {
			counter, _ := iss.Details["counter"].(string)
			r.Issuance = &kioskIssuance{Document: iss.Document, Number: iss.Number, Counter: counter}
			r.Lines = append(r.Lines, "取件单号："+iss.Number)
			if counter != "" {
				r.Lines = append(r.Lines, fmt.Sprintf("请凭取件单号到%s领取。", counter))
			}
		}
		r.Speech = "办理成功。" + strings.Join(r.Lines, "")
	case kiosk.StateRejected:
		r.Outcome, r.Title = "rejected", "暂不能办理"
		r.Speech = "很抱歉，暂不能办理。"
	case kiosk.StateEscalated, kiosk.StateClaimed:
		r.Outcome, r.Title = "escalated", "已转人工审核"
		line := "工作人员将尽快审核您的申请。"
		if c.Phone != "" {
			line = fmt.Sprintf("工作人员将尽快致电 %s，请留意来电。", kioskMaskPhone(c.Phone))
		}
		r.Lines = append(r.Lines, line)
		r.Speech = "您的申请已转人工审核，" + line
	case kiosk.StateCancelled:
		r.Outcome, r.Title = "cancelled", "业务已取消"
		r.Speech = "业务已取消。"
	default:
		return nil // approved but not yet issued, or deciding: the result is moments away
	}
	if d := c.Decision; d != nil && c.State != kiosk.StateIssued {
		for _, re := range d.Reasons {
			r.Reasons = append(r.Reasons, kioskReason{Code: re.Code, Outcome: string(re.Outcome), Message: re.Message, Basis: re.Basis})
			if c.State == kiosk.StateRejected {
				r.Lines = append(r.Lines, re.Message)
			}
		}
		if c.State == kiosk.StateRejected {
			r.Speech += strings.Join(r.Lines, "")
		}
	}
	return r
}

// kioskMaskID keeps the region prefix and the last four characters, as printed on receipts:
// 3302**********123X.
func kioskMaskID(id string) string {
	r := []rune(id)
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}

// kioskMaskName keeps the surname: 张**.
func kioskMaskName(name string) string {
	r := []rune(name)
	if len(r) == 0 {
		return ""
	}
	return string(r[:1]) + strings.Repeat("*", max(len(r)-1, 1))
}

// kioskMaskPhone keeps the first three and last four digits: 138****5678.
func kioskMaskPhone(p string) string {
	if len(p) != 11 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + "****" + p[7:]
}
