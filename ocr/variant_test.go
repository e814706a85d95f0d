package ocr

import (
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph"
)

func TestLabelVotes(t *testing.T) {
	line := func(s string) glyph.Line {
		var l glyph.Line
		for _, r := range s {
			l.Chars = append(l.Chars, glyph.Char{Rune: r, Confidence: 0.9})
		}
		return l
	}
	tests := []struct {
		read, a, b string
		older      bool
	}{
		{"品牌型号", "品牌型号", "使用性质", true},
		{"使用性质", "品牌型号", "使用性质", false},
		{"品脾型号", "品牌型号", "使用性质", true}, // one misread still decides
		{"有效起始日期", "有效起始日期", "有效期限", true},
		{"有效期限", "有效起始日期", "有效期限", false},
		{"", "有效起始日期", "有效期限", false}, // nothing read: the current layout
	}
	for _, tt := range tests {
		if got := labelVotes(line(tt.read), tt.a, tt.b) > 0; got != tt.older {
			t.Errorf("%q between %q and %q: older=%v, want %v", tt.read, tt.a, tt.b, got, tt.older)
		}
	}
}
