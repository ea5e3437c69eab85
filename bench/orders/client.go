package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"marquee/bench/benchkit"
)

// client is one attendee placing orders back to back over one kept
// HTTP/1.1 connection, as a browser would after opening the form once. It
// writes each POST /order from its bytes and reads only the status line
// and headers of the answer: the load generator shares the machine's cores
// with marquee and Postgres, and Go's http.Client with its cookie jar cost
// about 215 µs of CPU per order there (bench-orders's "CPU per order"),
// a third of marquee's own, while pgbench's client costs next to nothing.
// The requests are the ones the form sends (benchkit.Submit's fields).
type client struct {
	addr, host string
	token      string
	cookie     string // the Cookie header's value
	conn       net.Conn
	r          *bufio.Reader
	req, body  []byte
}

// newClient opens the order form as a browser does (benchkit.NewClient:
// its cookies and CSRF token) and keeps them for its orders.
func newClient(base, host string) (*client, error) {
	cl, token, err := benchkit.NewClient(base, host)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	// The jar keeps cookies under the Host the request named, not the
	// address it went to.
	form := &url.URL{Scheme: u.Scheme, Host: host, Path: "/order"}
	var cookies []string
	for _, c := range cl.Jar.Cookies(form) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	if len(cookies) == 0 {
		return nil, errors.New("the order form set no cookie")
	}
	return &client{addr: u.Host, host: host, token: token, cookie: strings.Join(cookies, "; ")}, nil
}

// placeOrder places an order of one unit of variant by email and expects
// the form's answer to a placed order: 303 to the order's page.
func (c *client) placeOrder(product, variant uuid.UUID, email string) error {
	c.body = append(c.body[:0], "csrf="...)
	c.body = append(c.body, url.QueryEscape(c.token)...)
	c.body = append(c.body, "&idempotency_key="...)
	c.body = append(c.body, uuid.NewString()...)
	c.body = append(c.body, "&action=place&line.0.product="...)
	c.body = append(c.body, product.String()...)
	c.body = append(c.body, "&line.0.variant="...)
	c.body = append(c.body, variant.String()...)
	c.body = append(c.body, "&line.0.quantity=1&name=Bench&email="...)
	c.body = append(c.body, url.QueryEscape(email)...)

	c.req = append(c.req[:0], "POST /order HTTP/1.1\r\nHost: "...)
	c.req = append(c.req, c.host...)
	c.req = append(c.req, "\r\nContent-Type: application/x-www-form-urlencoded\r\nCookie: "...)
	c.req = append(c.req, c.cookie...)
	c.req = append(c.req, "\r\nContent-Length: "...)
	c.req = strconv.AppendInt(c.req, int64(len(c.body)), 10)
	c.req = append(c.req, "\r\n\r\n"...)
	c.req = append(c.req, c.body...)

	status, body, err := c.roundTrip()
	if err != nil {
		return err
	}
	if status != http.StatusSeeOther {
		return fmt.Errorf("status %d: %.300s", status, body)
	}
	return nil
}

// roundTrip sends c.req on the kept connection (a new one when there is
// none, or the server closed it) and reads the answer's status and body.
func (c *client) roundTrip() (int, []byte, error) {
	if c.conn == nil {
		conn, err := net.Dial("tcp", c.addr)
		if err != nil {
			return 0, nil, err
		}
		c.conn, c.r = conn, bufio.NewReaderSize(conn, 4096)
	}
	status, body, keep, err := c.exchange()
	if err != nil || !keep {
		c.conn.Close()
		c.conn = nil
	}
	return status, body, err
}

func (c *client) exchange() (status int, body []byte, keep bool, err error) {
	if _, err := c.conn.Write(c.req); err != nil {
		return 0, nil, false, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, nil, false, fmt.Errorf("not an HTTP/1.1 answer: %q", line)
	}
	if status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return 0, nil, false, fmt.Errorf("status line %q", line)
	}
	length, keep := -1, true
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, false, err
		}
		header := bytes.TrimRight(line, "\r\n")
		if len(header) == 0 {
			break
		}
		name, value, _ := bytes.Cut(header, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, nil, false, fmt.Errorf("Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return 0, nil, false, errors.New("a chunked answer: this client reads only answers with a Content-Length")
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(value, []byte("close")):
			keep = false
		}
	}
	if length < 0 {
		return 0, nil, false, errors.New("an answer without Content-Length")
	}
	body = make([]byte, length)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return 0, nil, false, err
	}
	return status, body, keep, nil
}

// close ends the client's connection.
func (c *client) close() {
	if c.conn != nil {
		c.conn.Close()
	}
}
