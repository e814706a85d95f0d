package kiosk

import (
	"context"
	"sync"
	"time"
)

// hall is the state of the kiosk a Service runs on that does not belong in the database.
type hall struct {
	capturing sync.Mutex // one capture at a time: a kiosk has one camera
	codes     smsCodes   // verification codes pending, by case
}

// errNoHall is returned by a Service made without NewService.
var errNoHall = Errorf(EUNAVAILABLE, "自助服务暂不可用。")

// Prompt is one instruction for the applicant at a kiosk. The screen shows Text and speaks
// Speech; Code is stable, so a screen may choose its own pictures for it.
type Prompt struct {
	Code   string
	Text   string
	Speech string
}

// Prompt codes.
const (
	PromptPlace     = "place"      // lay the document under the camera
	PromptPartial   = "partial"    // a card is seen, not fully inside the frame
	PromptHoldStill = "hold_still" // keep it still
	PromptCaptured  = "captured"   // the photo is taken
	PromptReading   = "reading"    // the photo is being read
	PromptRetake    = "retake"     // the photo cannot be used; try again
	PromptRead      = "read"       // the document was read
)

// sideNames are how a citizen calls each document and side.
var sideNames = map[DocKind]string{
	KindIDCardFront:    "身份证人像面",
	KindIDCardBack:     "身份证国徽面",
	KindDrivingLicence: "驾驶证正页",
	KindVehicleLicence: "行驶证正页",
}

// PlacePrompt asks for a document of kind.
func PlacePrompt(kind DocKind) Prompt {
	t := "请将" + sideNames[kind] + "朝上放在高拍仪下"
	return Prompt{Code: PromptPlace, Text: t, Speech: t}
}

// stagePrompt turns an auto-capture stage into words; "" for a stage that needs none.
func stagePrompt(kind DocKind, st CaptureStage) Prompt {
	switch st {
	case StageNoCard:
		return PlacePrompt(kind)
	case StagePartial:
		return Prompt{Code: PromptPartial, Text: "请把证件完整放入拍摄区域", Speech: "请把证件完整放入拍摄区域"}
	case StageHoldStill:
		return Prompt{Code: PromptHoldStill, Text: "请保持证件不动", Speech: "请保持证件不动"}
	case StageCaptured:
		return Prompt{Code: PromptCaptured, Text: "拍摄完成", Speech: ""}
	}
	return Prompt{}
}

// retakeTexts say what to change for each flag NeedsRetake reports.
var retakeTexts = map[string]string{
	FlagBlurred:   "照片不清晰，请放平证件，保持不动",
	FlagGlare:     "证件反光，请调整角度避开灯光",
	FlagTooDark:   "光线太暗，请把证件放在灯光下",
	FlagCropped:   "证件没有拍全，请把证件完整放入拍摄区域",
	FlagTooSmall:  "证件太小，请把证件放在拍摄区域中央",
	FlagNotACard:  "没有找到证件，请将证件放在高拍仪下",
	FlagWrongSide: "放错面了，请翻面",
}

// RetakePrompt explains why a capture is taken again.
func RetakePrompt(kind DocKind, flag string) Prompt {
	t, ok := retakeTexts[flag]
	if !ok {
		t = "照片无法使用，请重新放置证件"
	}
	t += "：" + sideNames[kind] + "朝上"
	return Prompt{Code: PromptRetake, Text: t, Speech: t}
}

// maxCaptureAttempts bounds the retakes of one Capture call. With a cycling demo camera or a
// citizen who lays the wrong side first, a few attempts are normal; beyond that the screen
// asks again or offers the counter.
const maxCaptureAttempts = 6

// ErrNoCamera is returned by Capture on a machine without a document camera.
var ErrNoCamera = Errorf(EUNAVAILABLE, "本机没有可用的高拍仪，请使用上传。")

// Capture takes a document of kind with the kiosk's camera and reads it into the case: it
// waits until the camera captures a card, reads it, and takes it again (telling the applicant
// why) while the photo cannot be used or shows the other side. prompt, if not nil, hears every
// instruction for the screen; it must not block.
//
// It returns EUNAVAILABLE without a camera or when it is down, EINVALID when no usable card
// appeared in time, ECONFLICT when the case takes no documents or another capture is running,
// and ctx's error when ctx ends (the screen went away): the case is then as it was.
func (s *Service) Capture(ctx context.Context, id string, kind DocKind, actor string, prompt func(Prompt)) (*Case, Document, error) {
	if prompt == nil {
		prompt = func(Prompt) {}
	}
	if !kind.Valid() {
		return nil, Document{}, Errorf(EINVALID, "未知的证件类型。")
	}
	if s.Camera == nil {
		return nil, Document{}, ErrNoCamera
	}
	c, err := s.Cases.FindCase(ctx, id)
	if err != nil {
		return nil, Document{}, err
	}
	if !c.State.TakesDocuments() {
		return nil, Document{}, Errorf(ECONFLICT, "该业务已不再接收证件。")
	}
	if s.hall == nil {
		return nil, Document{}, errNoHall
	}
	// A kiosk has one camera: a second capture would steal the first one's frame.
	if !s.hall.capturing.TryLock() {
		return nil, Document{}, Errorf(ECONFLICT, "正在拍摄中，请稍候。")
	}
	defer s.hall.capturing.Unlock()

	prompt(PlacePrompt(kind))
	for attempt := 1; ; attempt++ {
		var last Prompt
		frame, err := s.Camera.Capture(ctx, func(p CaptureProgress) {
			if pr := stagePrompt(kind, p.Stage); pr.Code != "" && pr.Code != last.Code {
				last = pr
				prompt(pr)
			}
		})
		if err != nil {
			return nil, Document{}, err
		}
		prompt(Prompt{Code: PromptReading, Text: "正在识别，请稍候", Speech: "正在识别，请稍候"})
		c, doc, err := s.ReadDocument(ctx, id, kind, frame.JPEG, actor)
		if err != nil {
			return nil, Document{}, err
		}
		flag := NeedsRetake(doc)
		if flag == "" && doc.Kind != kind {
			flag = FlagWrongSide
		}
		if flag == "" || attempt >= maxCaptureAttempts {
			if flag == "" {
				prompt(Prompt{Code: PromptRead, Text: sideNames[kind] + "已识别", Speech: ""})
			}
			return c, doc, nil
		}
		prompt(RetakePrompt(kind, flag))
	}
}

// TakesDocuments reports whether a case in state st still accepts captures and uploads.
func (st State) TakesDocuments() bool {
	return st == StateStarted || st == StateCapturing || st == StateReviewing
}

// CancelAbandoned cancels kiosk cases left before a decision (started, capturing, reviewing)
// that have not changed since before: an applicant who walked away, or a capture that a
// crash interrupted and nobody resumed. It returns how many it cancelled.
func (s *Service) CancelAbandoned(ctx context.Context, before time.Time) (int, error) {
	n := 0
	for _, st := range []State{StateStarted, StateCapturing, StateReviewing} {
		list, err := s.Cases.CasesInState(ctx, st, 1000)
		if err != nil {
			return n, err
		}
		for _, c := range list {
			if !c.UpdatedAt.Before(before) {
				continue // oldest first: the rest are newer
			}
			err := s.transition(ctx, c, StateCancelled, "system", "abandoned")
			if ErrorCode(err) == ECONFLICT {
				continue // it moved on meanwhile: not abandoned after all
			} else if err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// PurgeImages deletes the document images kept longer than retention. Decisions, facts and
// the audit trail stay; only the photographs go.
func (s *Service) PurgeImages(ctx context.Context, retention time.Duration) (int, error) {
	return s.Cases.PurgeImages(ctx, s.Now().Add(-retention))
}

// Housekeep runs CancelAbandoned and PurgeImages every interval until ctx ends, logging what
// each round did. abandonAfter is how long an undecided case may sit unchanged.
func (s *Service) Housekeep(ctx context.Context, interval, abandonAfter, retention time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.CancelAbandoned(ctx, s.Now().Add(-abandonAfter)); err != nil && ctx.Err() == nil {
			s.Logger.WarnContext(ctx, "cancel abandoned cases", "err", err)
		} else if n > 0 {
			s.Logger.InfoContext(ctx, "cancelled abandoned cases", "cases", n)
		}
		if n, err := s.PurgeImages(ctx, retention); err != nil && ctx.Err() == nil {
			s.Logger.WarnContext(ctx, "purge images", "err", err)
		} else if n > 0 {
			s.Logger.InfoContext(ctx, "purged images past retention", "images", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CounterIssuer is the default pickup slip, naming the counter where a document that is
// collected in the hall ("collect": "counter" in the decision's issue) is handed out.
func (s *Service) CounterIssuer(counter string) Issuer {
	return IssuerFunc(func(ctx context.Context, c *Case) (Issuance, error) {
		iss, err := s.slipIssuer(ctx, c)
		if err != nil {
			return iss, err
		}
		if collect, _ := iss.Details["collect"].(string); collect == "counter" && counter != "" {
			if iss.Details == nil {
				iss.Details = map[string]any{}
			}
			iss.Details["counter"] = counter
		}
		return iss, nil
	})
}
