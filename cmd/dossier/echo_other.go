//go:build !linux

package main

import (
	"errors"
	"os"
)

// echoOff is not implemented here: a typed password is echoed.
func echoOff(*os.File) (func(), error) { return nil, errors.New("echo control not supported") }
