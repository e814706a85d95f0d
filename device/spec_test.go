package device

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSpec(t *testing.T) {
	dir := t.TempDir()
	touch := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	img := touch("card.JPG")
	vid := touch("demo.mp4")
	touch("frame_001.png")
	touch("frame_002.png")
	touch("notes.txt")
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)

	tests := []struct {
		spec    string
		want    Spec
		wantErr string
	}{
		{spec: "0", want: Spec{Kind: KindDeviceIndex, Index: 0}},
		{spec: " 2 ", want: Spec{Kind: KindDeviceIndex, Index: 2}},
		{spec: "/dev/video2", want: Spec{Kind: KindDevicePath, Path: "/dev/video2"}},
		{spec: img, want: Spec{Kind: KindImage, Path: img}},
		{spec: vid, want: Spec{Kind: KindVideo, Path: vid}},
		{spec: dir, want: Spec{Kind: KindDirectory, Path: dir}},
		{spec: filepath.Join(dir, "frame_%03d.png"), want: Spec{Kind: KindSequence, Path: filepath.Join(dir, "frame_%03d.png")}},
		{spec: "", wantErr: "empty"},
		{spec: "-1", wantErr: "negative"},
		{spec: filepath.Join(dir, "nope.jpg"), wantErr: "no such file"},
		{spec: filepath.Join(dir, "notes.txt"), wantErr: "unknown file type"},
		{spec: empty, wantErr: "no images"},
		{spec: filepath.Join(dir, "frame_%03d.jpg"), wantErr: "no frame numbered 0 or 1"},
		{spec: filepath.Join(dir, "f_%s.png"), wantErr: "%d verb"},
		{spec: filepath.Join(dir, "f_%d_%d.png"), wantErr: "%d verb"},
		{spec: filepath.Join(dir, "f_%03d.txt"), wantErr: "not an image"},
	}
	for _, tt := range tests {
		got, err := ParseSpec(tt.spec)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSpec(%q) = %+v, %v; want error containing %q", tt.spec, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", tt.spec, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseSpec(%q) (-want +got):\n%s", tt.spec, diff)
		}
		if again, err := ParseSpec(got.String()); err != nil || again != got {
			t.Errorf("ParseSpec(%q.String()) = %+v, %v; want the same spec", tt.spec, again, err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig: %v", err)
	}
	bad := DefaultConfig()
	bad.StillFrames = 0
	bad.FourCC = "MJPEG"
	bad.BackoffMax = bad.BackoffMin / 2
	err := bad.Validate()
	for _, want := range []string{"still frames", "fourcc", "backoff"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to mention %q", err, want)
		}
	}
}
