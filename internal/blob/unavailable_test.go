package blob_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"

	"github.com/dossier/dossier/internal/blob"
)

// Unavailable blames the storage only for its own failures: network
// failures reaching it and a full filesystem. An HTTP
// client's error (*url.Error) is a net.Error whatever it wraps, so the
// request's own cancellation (its client went away) passed for "the blob
// store is down": a 503, an error-level log line and an audit detail saying
// the store was unavailable, for a client that merely closed its tab.
func TestUnavailable(t *testing.T) {
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"OK/ErrUnavailable", fmt.Errorf("s3: put: %w", blob.ErrUnavailable), true},
		{"OK/refused", &url.Error{Op: "Put", URL: "http://minio:9000/b/k", Err: &net.OpError{Op: "dial", Net: "tcp",
			Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}, true},
		{"OK/reset", &url.Error{Op: "Get", URL: "http://minio:9000/b/k", Err: reset}, true},
		{"OK/full", fmt.Errorf("disk: put: %w", &os.PathError{Op: "write", Path: "/x", Err: syscall.ENOSPC}), true},
		{"ErrCancelled", fmt.Errorf("s3: stat x: %w", &url.Error{Op: "Head", URL: "http://minio:9000/b/k", Err: context.Canceled}), false},
		{"ErrCancelledPlain", fmt.Errorf("disk: put: %w", context.Canceled), false},
		{"ErrCorrupt", fmt.Errorf("x: %w", blob.ErrCorrupt), false},
		// syscall.Errno has Timeout and Temporary methods, so every errno
		// is a net.Error: a blob file gone or unreadable is not the store
		// being down for a while.
		{"ErrNoEntry", fmt.Errorf("disk: put: %w", &os.PathError{Op: "chtimes", Path: "/x", Err: syscall.ENOENT}), false},
		{"ErrPermission", fmt.Errorf("disk: open: %w", &os.PathError{Op: "open", Path: "/x", Err: syscall.EACCES}), false},
		{"ErrIO", fmt.Errorf("disk: read: %w", &os.PathError{Op: "read", Path: "/x", Err: syscall.EIO}), false},
		{"OK/timeout", &url.Error{Op: "Put", URL: "http://minio:9000/b/k", Err: &net.OpError{Op: "read", Net: "tcp",
			Err: os.ErrDeadlineExceeded}}, true},
		{"OK/dns", &url.Error{Op: "Put", URL: "http://minio:9000/b/k", Err: &net.DNSError{Err: "no such host", Name: "minio"}}, true},
		{"OK/eof", &url.Error{Op: "Put", URL: "http://minio:9000/b/k", Err: io.EOF}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := blob.Unavailable(tt.err); got != tt.want {
				t.Errorf("Unavailable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
