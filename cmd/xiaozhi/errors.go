package main

import (
	"errors"
	"net"
	"os"
)

// unwrapOpError drops the repetition in net.OpError ("listen tcp 127.0.0.1:8080: bind: address
// already in use") down to its cause, since the caller already names the address.
func unwrapOpError(err error) error {
	var op *net.OpError
	if errors.As(err, &op) {
		var sys *os.SyscallError
		if errors.As(op.Err, &sys) {
			return sys.Err
		}
		return op.Err
	}
	return err
}
