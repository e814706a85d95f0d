// Package device drives the kiosk's document camera (高拍仪) through gocv and implements
// kiosk.Camera.
//
// A camera is a V4L2 device ("0", "/dev/video2") or, for tests, demos and kiosks without
// hardware, an image, a directory of images, a printf image sequence or a video file; all of
// them are read through gocv.VideoCapture with an explicit backend. The camera reads frames
// continuously. A watchdog puts it down when frames turn black, freeze, stop or fail, reopens
// it with backoff, and brings it back once it delivers good frames again. While a Capture
// waits, each frame is also searched for a card; the frame is captured once a card lies fully
// inside, sharp and still for a few frames.
//
// The decisions (autoCapture, watchdog) are plain Go fed with measurements and times; only
// measurer and the sources touch gocv. No gocv.Mat leaves the package: frames leave as JPEG.
package device
