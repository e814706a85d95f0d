package fields

import (
	"strings"
	"testing"
)

func TestClosedValues(t *testing.T) {
	tests := []struct {
		name      string
		f         func(Reading) Value
		in        string
		want      string
		valid     bool
		confAbove float64 // the result's confidence must not exceed this
	}{
		{"exact type", VehicleType, "小型轿车", "小型轿车", true, 1},
		{"label end before the type", VehicleType, "说,重型厢式货车", "重型厢式货车", true, capRepaired},
		{"one misread in a type", VehicleType, "重型半挂牵弓车", "重型半挂牵引车", true, capSnapped},
		{"a misread that fits two types", VehicleType, "重型采式货车", "重型采式货车", false, capSnapped},
		{"two misreads in a type", VehicleType, "重型采式货牛", "重型采式货牛", false, capSnapped},
		{"misread first character of a use", UseNature, "厦营运", "非营运", true, capSnapped},
		{"shorter use inside a longer one", UseNature, "营运", "营运", true, 1},
		{"use after its label", UseNature, "使用性质非营运", "非营运", true, 1},
		{"brand in the use slot", UseNature, "宝马牌", "宝马牌", false, capSnapped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf := make([]float64, len([]rune(tt.in)))
			for i := range conf {
				conf[i] = 0.97
			}
			v := tt.f(Reading{Text: tt.in, Conf: conf, Arbitrated: true})
			if v.Text != tt.want || v.Valid != tt.valid {
				t.Fatalf("got %q valid=%v, want %q valid=%v", v.Text, v.Valid, tt.want, tt.valid)
			}
			if v.Conf > tt.confAbove {
				t.Fatalf("confidence %.2f above %.2f", v.Conf, tt.confAbove)
			}
		})
	}
}

func TestPlateTrimsAroundProvince(t *testing.T) {
	tests := []struct {
		in, want string
		valid    bool
	}{
		{"浙BJV382", "浙BJV382", true},
		{"35”浙BJV382", "浙BJV382", true},
		{"纲浙B65L50", "浙B65L50", true},
		{"京AD92035", "京AD92035", true},
		{"浙B6SL5", "浙B6SL5", false},
		{"3折B997G1", "浙B997G1", true},
		{"码折B8K222", "浙B8K222", true},
		{"折B8K222", "浙B8K222", true},
	}
	for _, tt := range tests {
		conf := make([]float64, len([]rune(tt.in)))
		for i := range conf {
			conf[i] = 0.97
		}
		v := Plate(Reading{Text: tt.in, Conf: conf})
		if v.Text != tt.want || v.Valid != tt.valid {
			t.Errorf("%q: got %q valid=%v, want %q valid=%v", tt.in, v.Text, v.Valid, tt.want, tt.valid)
		}
		if len([]rune(tt.in)) != len([]rune(tt.want)) && v.Conf > capRepaired {
			t.Errorf("%q: trimmed plate at confidence %.2f", tt.in, v.Conf)
		}
		if strings.Contains(tt.in, "折") && v.Conf >= 0.8 {
			t.Errorf("%q: 浙 read from 折 at confidence %.2f", tt.in, v.Conf)
		}
	}
}

// TestClosedValueAfterUnsureStart reads members that end a longer member (营运 of 非营运) after
// characters the recognisers did not settle, as when 非 was split into two unsure halves: the
// value stays, doubtful. A member no longer one ends, or one after sure characters, is kept
// as confident as it was read.
func TestClosedValueAfterUnsureStart(t *testing.T) {
	tests := []struct {
		f         func(Reading) Value
		in        string
		conf      []float64
		want      string
		confAbove float64
	}{
		{UseNature, "rF营运", []float64{0.02, 0.09, 0.98, 1}, "营运", capSnapped},
		{UseNature, "r 营运", []float64{0.02, 1, 0.98, 1}, "营运", capSnapped},
		{UseNature, "营运", []float64{0.98, 1}, "营运", 1},
		{UseNature, "rF非营运", []float64{0.02, 0.09, 0.97, 0.98, 1}, "非营运", 1},
		{UseNature, "·校车", []float64{0.3, 0.98, 1}, "校车", capSnapped},
		{VehicleType, "rF小型轿车", []float64{0.02, 0.09, 0.97, 0.98, 1, 0.97}, "小型轿车", 1},
	}
	for _, tt := range tests {
		v := tt.f(Reading{Text: tt.in, Conf: tt.conf, Arbitrated: true})
		if v.Text != tt.want || !v.Valid {
			t.Errorf("%q: got %q valid=%v, want %q", tt.in, v.Text, v.Valid, tt.want)
		}
		if v.Conf > tt.confAbove {
			t.Errorf("%q: confidence %.2f above %.2f", tt.in, v.Conf, tt.confAbove)
		}
		if tt.confAbove == 1 && v.Conf < 0.9 {
			t.Errorf("%q: confidence %.2f, want it as read", tt.in, v.Conf)
		}
	}
}
