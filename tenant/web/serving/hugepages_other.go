//go:build !linux

package serving

import (
	"context"
	"errors"
	"time"
)

var errNoHugePages = errors.New("transparent huge pages are a Linux feature")

// HugePages does nothing outside Linux.
func HugePages(*Advised) (int, error) { return 0, errNoHugePages }

// Advised is what HugePages advised.
type Advised struct{}

// KeepHugePages does nothing outside Linux.
func KeepHugePages(context.Context, time.Duration) error { return errNoHugePages }
