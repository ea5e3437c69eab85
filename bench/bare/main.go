// Command bare is the baseline of the landing page benchmark
// (bench/landing.sh): a bare Fiber app that answers every request with the
// same bytes (a landing page saved by the script) as text/html, and nothing
// else: no middleware, no logging, no host resolution.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "host:port to listen on")
	bodyFile := flag.String("body", "", "file whose bytes every response carries (required)")
	flag.Parse()
	if err := run(*addr, *bodyFile); err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}

func run(addr, bodyFile string) error {
	if bodyFile == "" {
		return errors.New("-body is required")
	}
	body, err := os.ReadFile(bodyFile)
	if err != nil {
		return err
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(body)
	})

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- app.Listen(addr) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if err := app.Shutdown(); err != nil {
		return err
	}
	return <-errc
}
