//go:build !linux

package pool

import (
	"os"
	"syscall"
)

// Kiosks and servers run Linux; elsewhere the pool still works for development, without the
// kernel's help: no death signal, no memory cap, no stdout redirection.

func sysProcAttr() *syscall.SysProcAttr { return nil }

func rssBytes(pid int) (int64, bool) { return 0, false }

// ProtocolStdout returns os.Stdout; on Linux it also shields the frames from stray prints.
func ProtocolStdout() (*os.File, error) { return os.Stdout, nil }
