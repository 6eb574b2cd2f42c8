package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
)

// The admin password is printed once, on the first start. A first start
// that then failed to listen (the port taken) had already created admin and
// printed it above the error, so the start that did serve printed nothing
// and the operator was left without the password. Now nothing is created
// until the address is bound.
func TestFirstStartThatCannotListenCreatesNoAdmin(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	data := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"serve"}, []string{"DOSSIER_DATA=" + data, "DOSSIER_ADDR=" + taken.Addr().String()},
		strings.NewReader(""), &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "DOSSIER_ADDR") {
		t.Fatalf("exit %d, want 1 naming DOSSIER_ADDR: %q", code, stderr.String())
	}
	if strings.Contains(stdout.String(), "password") {
		t.Fatalf("a start that did not serve printed the admin password:\n%s", stdout.String())
	}
	// The next start, on a free port, is the first that serves: it prints it.
	p := start(t, data)
	if !strings.Contains(p.stdout.String(), `user "admin" with password`) {
		t.Fatalf("the first start that serves did not print the admin password:\n%s", p.stdout)
	}
	p.stop(t)
}

// An operator who adds a user with `dossier user add` before the first
// `dossier serve` (it makes the store) got no admin at all: the first start
// found users and skipped creating admin, though README says the first start
// creates it and prints its password. Now serve creates admin while the
// store holds no administrator.
func TestFirstStartAfterUserAddCreatesAdmin(t *testing.T) {
	data := t.TempDir()
	if code, out := runIn(data, nil, "a very good password\n", "user", "add", "li.counsel", "counsel"); code != 0 {
		t.Fatalf("user add: %d %s", code, out)
	}
	p := start(t, data)
	if !strings.Contains(p.stdout.String(), `user "admin" with password`) {
		t.Fatalf("first serve after user add created no admin:\n%s", p.stdout)
	}
	p.stop(t)
	// Once there is an administrator, later starts create none.
	p = start(t, data)
	if strings.Contains(p.stdout.String(), "password") {
		t.Fatalf("second start printed a password:\n%s", p.stdout)
	}
	p.stop(t)
}
