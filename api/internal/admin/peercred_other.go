//go:build !linux

package admin

import (
	"net"
	"os"
)

// peerUID cannot ask the kernel here; the socket's 0600 mode and its
// directory are the boundary.
func peerUID(net.Conn) (int, error) { return os.Getuid(), nil }
