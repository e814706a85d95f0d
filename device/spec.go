package device

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// SourceKind says what a camera spec names.
type SourceKind string

// Source kinds. Every kind is read through gocv.VideoCapture with an explicit backend.
const (
	KindDeviceIndex SourceKind = "device_index" // "0": /dev/video0 through V4L2
	KindDevicePath  SourceKind = "device_path"  // "/dev/video2" through V4L2
	KindImage       SourceKind = "image"        // one still image, repeated
	KindDirectory   SourceKind = "directory"    // the images of a directory, in name order
	KindSequence    SourceKind = "sequence"     // a printf pattern such as "frame_%03d.jpg"
	KindVideo       SourceKind = "video"        // a video file, decoded with FFmpeg
)

// Spec is a parsed camera spec.
type Spec struct {
	Kind  SourceKind
	Index int    // KindDeviceIndex
	Path  string // every other kind; absolute for files
}

// imageExts and videoExts decide how a file is read; anything else is refused rather than
// guessed, because a guess would let OpenCV pick a backend on its own (see openCapture).
var (
	imageExts = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".bmp": true,
		".tif": true, ".tiff": true, ".webp": true, ".pgm": true, ".ppm": true}
	videoExts = map[string]bool{".avi": true, ".mp4": true, ".mkv": true, ".mov": true,
		".webm": true, ".m4v": true, ".mjpg": true, ".mjpeg": true}
)

// patternVerb is the one printf verb OpenCV's image-sequence backend understands.
var patternVerb = regexp.MustCompile(`%(0?[0-9]*)d`)

// ParseSpec reads a camera spec: a device index ("0"), a device path ("/dev/video2"), an
// image, a directory of images, a printf pattern ("dir/frame_%03d.jpg", numbered from 0
// or 1 without gaps) or a video file. Files must exist.
func ParseSpec(spec string) (Spec, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return Spec{}, fmt.Errorf("camera spec is empty")
	}
	if n, err := strconv.Atoi(spec); err == nil {
		if n < 0 {
			return Spec{}, fmt.Errorf("camera index %d is negative", n)
		}
		return Spec{Kind: KindDeviceIndex, Index: n}, nil
	}
	if strings.HasPrefix(spec, "/dev/") {
		return Spec{Kind: KindDevicePath, Path: spec}, nil
	}
	abs, err := filepath.Abs(spec)
	if err != nil {
		return Spec{}, fmt.Errorf("camera spec %q: %w", spec, err)
	}
	if strings.Contains(filepath.Base(abs), "%") {
		return parsePattern(abs)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return Spec{}, fmt.Errorf("camera spec %q: %w", spec, err)
	}
	if st.IsDir() {
		if _, err := listImages(abs); err != nil {
			return Spec{}, err
		}
		return Spec{Kind: KindDirectory, Path: abs}, nil
	}
	ext := strings.ToLower(filepath.Ext(abs))
	switch {
	case imageExts[ext]:
		return Spec{Kind: KindImage, Path: abs}, nil
	case videoExts[ext]:
		return Spec{Kind: KindVideo, Path: abs}, nil
	}
	return Spec{}, fmt.Errorf("camera spec %q: unknown file type %q (images: jpg, png, bmp, tif, webp; videos: avi, mp4, mkv, mov, webm)", spec, ext)
}

// parsePattern checks a printf pattern the way OpenCV will use it: one %d verb in the file
// name, and a first frame numbered 0 or 1.
func parsePattern(abs string) (Spec, error) {
	base := filepath.Base(abs)
	if strings.Count(base, "%") != 1 || !patternVerb.MatchString(base) {
		return Spec{}, fmt.Errorf("camera pattern %q: the file name needs exactly one %%d verb, e.g. frame_%%03d.jpg", abs)
	}
	if !imageExts[strings.ToLower(filepath.Ext(abs))] {
		return Spec{}, fmt.Errorf("camera pattern %q: not an image file type", abs)
	}
	for _, first := range []int{0, 1} {
		if _, err := os.Stat(fmt.Sprintf(abs, first)); err == nil {
			return Spec{Kind: KindSequence, Path: abs}, nil
		}
	}
	return Spec{}, fmt.Errorf("camera pattern %q: no frame numbered 0 or 1", abs)
}

// listImages returns the image files of dir, sorted by name.
func listImages(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("camera directory: %w", err)
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() && imageExts[strings.ToLower(filepath.Ext(e.Name()))] {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("camera directory %q holds no images", dir)
	}
	sort.Strings(files)
	return files, nil
}

// String returns the spec in the form ParseSpec accepts.
func (s Spec) String() string {
	if s.Kind == KindDeviceIndex {
		return strconv.Itoa(s.Index)
	}
	return s.Path
}

// isDevice reports whether the spec names a V4L2 device.
func (s Spec) isDevice() bool {
	return s.Kind == KindDeviceIndex || s.Kind == KindDevicePath
}

// node returns the file whose presence tells a vanished source from a failing one.
func (s Spec) node() string {
	switch s.Kind {
	case KindDeviceIndex:
		return fmt.Sprintf("/dev/video%d", s.Index)
	case KindSequence:
		return filepath.Dir(s.Path)
	}
	return s.Path
}
