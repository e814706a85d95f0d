package device

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"gocv.io/x/gocv"
)

// errEndOfStream ends a file source; the camera rewinds it by opening it again, so a
// recorded sequence plays in a loop like a camera that never stops.
var errEndOfStream = errors.New("end of stream")

// errReadFailed is a read that returned no frame.
var errReadFailed = errors.New("read returned no frame")

// source delivers frames into a Mat the camera owns and reuses.
type source interface {
	Read(dst *gocv.Mat) error // errEndOfStream at the end of a file source
	Close()
}

// sourceInfo tells the camera loop how to treat a source.
type sourceInfo struct {
	// interval paces a source that would otherwise deliver as fast as it can decode (files);
	// 0 for devices, whose Read blocks until the sensor delivers.
	interval time.Duration
	// static marks one still image: its frames are identical by nature, not frozen.
	static bool
}

// opener opens a source; the camera calls it again for every reconnect.
type opener func() (source, sourceInfo, error)

// captureSource reads frames through gocv.VideoCapture: devices, files, directories and
// sequences all take this one path.
type captureSource struct {
	vc     *gocv.VideoCapture
	file   bool
	frames int // frames in an image sequence; 0 when unknown (videos, devices)
	read   int
}

// Read reads the next frame into dst.
func (s *captureSource) Read(dst *gocv.Mat) error {
	// Stopping at the known length instead of reading past it keeps OpenCV from logging a
	// failed imread on every loop of a sequence.
	if s.frames > 0 && s.read >= s.frames {
		return errEndOfStream
	}
	if !s.vc.Read(dst) || dst.Empty() {
		if s.file && s.read > 0 {
			return errEndOfStream
		}
		return errReadFailed
	}
	s.read++
	return nil
}

// Close releases the capture.
func (s *captureSource) Close() { s.vc.Close() }

// newCaptureOpener returns the opener for spec and a cleanup that removes whatever the
// opener needed on disk. Directories and single images are presented to OpenCV as a
// numbered sequence of links in a private directory, so that every file source is opened
// with the image-sequence backend.
func newCaptureOpener(spec Spec, cfg Config) (opener, func(), error) {
	nop := func() {}
	fileInfo := sourceInfo{interval: cfg.frameInterval()}

	switch spec.Kind {
	case KindDeviceIndex, KindDevicePath:
		return func() (source, sourceInfo, error) {
			vc, err := openDevice(spec, cfg)
			if err != nil {
				return nil, sourceInfo{}, err
			}
			return &captureSource{vc: vc}, sourceInfo{}, nil
		}, nop, nil
	case KindVideo:
		return func() (source, sourceInfo, error) {
			vc, err := openCapture(spec.Path, gocv.VideoCaptureFFmpeg)
			if err != nil {
				return nil, sourceInfo{}, err
			}
			return &captureSource{vc: vc, file: true}, fileInfo, nil
		}, nop, nil
	case KindSequence:
		return sequenceOpener(spec.Path, fileInfo), nop, nil
	case KindImage, KindDirectory:
		files := []string{spec.Path}
		if spec.Kind == KindDirectory {
			var err error
			if files, err = listImages(spec.Path); err != nil {
				return nil, nop, err
			}
		}
		dir, err := linkSequence(files)
		if err != nil {
			return nil, nop, err
		}
		fileInfo.static = len(files) == 1
		return sequenceOpener(filepath.Join(dir, "frame_%06d.img"), fileInfo),
			func() { os.RemoveAll(dir) }, nil
	}
	return nil, nop, fmt.Errorf("camera: unknown source kind %q", spec.Kind)
}

// sequenceOpener opens a printf pattern with the image-sequence backend.
func sequenceOpener(pattern string, info sourceInfo) opener {
	return func() (source, sourceInfo, error) {
		vc, err := openCapture(pattern, gocv.VideoCaptureImages)
		if err != nil {
			return nil, sourceInfo{}, err
		}
		return &captureSource{vc: vc, file: true, frames: int(vc.Get(gocv.VideoCaptureFrameCount))}, info, nil
	}
}

// openCapture opens a file with an explicit backend. It never lets OpenCV choose: Debian's
// OpenCV 4.6 picks its MJPEG backend for a JPEG sequence, and Read then crashes the whole
// process in cgo.
func openCapture(path string, api gocv.VideoCaptureAPI) (*gocv.VideoCapture, error) {
	vc, err := gocv.VideoCaptureFileWithAPI(path, api)
	if err != nil {
		vc.Close()
		return nil, fmt.Errorf("camera: open %s: %w", path, err)
	}
	return vc, nil
}

// openDevice opens a V4L2 device and requests the configured format. Drivers ignore what
// they cannot do, so the settings are requests, not guarantees.
func openDevice(spec Spec, cfg Config) (*gocv.VideoCapture, error) {
	var vc *gocv.VideoCapture
	var err error
	if spec.Kind == KindDeviceIndex {
		vc, err = gocv.VideoCaptureDeviceWithAPI(spec.Index, gocv.VideoCaptureV4L2)
	} else {
		vc, err = gocv.VideoCaptureFileWithAPI(spec.Path, gocv.VideoCaptureV4L2)
	}
	if err != nil {
		vc.Close()
		return nil, fmt.Errorf("camera: open %s: %w", spec, err)
	}
	if cfg.FourCC != "" {
		vc.Set(gocv.VideoCaptureFOURCC, vc.ToCodec(cfg.FourCC))
	}
	if cfg.Width > 0 && cfg.Height > 0 {
		vc.Set(gocv.VideoCaptureFrameWidth, float64(cfg.Width))
		vc.Set(gocv.VideoCaptureFrameHeight, float64(cfg.Height))
	}
	vc.Set(gocv.VideoCaptureFPS, cfg.FPS)
	if cfg.DeviceBuffers > 0 {
		vc.Set(gocv.VideoCaptureBufferSize, float64(cfg.DeviceBuffers))
	}
	return vc, nil
}

// linkSequence makes a private directory of links frame_000000.img, frame_000001.img, …
// to files. The image backend finds each decoder by the file's signature, not its name, so
// one extension serves mixed formats.
func linkSequence(files []string) (string, error) {
	dir, err := os.MkdirTemp("", "xiaozhi-camera-*")
	if err != nil {
		return "", fmt.Errorf("camera: %w", err)
	}
	for i, f := range files {
		if err := os.Symlink(f, filepath.Join(dir, fmt.Sprintf("frame_%06d.img", i))); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("camera: %w", err)
		}
	}
	return dir, nil
}

// exists reports whether a file or device node exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
