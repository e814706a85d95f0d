// Package pool runs document reading in a supervised pool of worker processes.
//
// OpenCV and Tesseract are C and C++ libraries fed with images from the public. A crash in
// them kills the process it happens in, a hang cannot be interrupted, and a Tesseract call
// cannot be cancelled. So the service does not read in its own process: a Pool keeps a few
// worker processes (the same binary, run as "xiaozhi ocr-worker", each with warm Tesseract
// clients) and talks to each over its standard input and output. A read has a deadline; a
// worker that crashes, hangs past the deadline or grows past a memory cap is killed and
// replaced, and the read fails with kiosk.EUNAVAILABLE so the case escalates to a human.
//
// The parent side is Open, (*Pool).Read, Status and Close; it implements kiosk.Reader and
// needs no cgo. The worker side is Serve, run by the worker subcommand around the real
// reader. The two sides speak a small framed protocol (protocol.go) that bounds every size
// the parent reads, so a misbehaving worker cannot make the service allocate without limit.
package pool
