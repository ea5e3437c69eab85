package serving

import "time"

// DeadlineSlack is how far a plain connection's deadlines may be from what
// the server asked for. fasthttp sets a deadline before every request's
// read and write (the idle, read and write timeouts: three per request on
// a kept-alive connection), and each one re-arms a runtime timer: a few
// per cent of a cached page view's CPU under load. A plain connection keeps what
// was asked and re-arms the timer only before a read or write, and only
// when the deadline asked for is more than DeadlineSlack from the one
// armed. On a busy kept-alive connection that is about once a second
// instead of three times a request; every timeout still holds to within a
// second (the shortest is 15 s).
const DeadlineSlack = time.Second

// lazyDeadline is one direction's deadline of a lingeringConn. Only the
// goroutine that serves the connection sets it and reads or writes (the
// server's shutdown closes connections, it does not move their deadlines),
// so it needs no lock.
type lazyDeadline struct {
	want, armed time.Time
}

// due reports whether the armed deadline must change before the next read
// or write, and to what: when it is more than slack from the one asked for.
func (d *lazyDeadline) due(slack time.Duration) (time.Time, bool) {
	switch {
	case d.want.Equal(d.armed):
		return time.Time{}, false
	case d.want.IsZero() || d.armed.IsZero(): // set or cleared: exactly
		return d.want, true
	}
	gap := d.want.Sub(d.armed)
	if gap < 0 {
		gap = -gap
	}
	return d.want, gap > slack
}

// The deadlines of a lingeringConn (a plain connection) are applied lazily
// (see DeadlineSlack). SetDeadline, SetReadDeadline and SetWriteDeadline
// never fail: the error of arming the timer, if any, is the next read's or
// write's. Lingering on Close uses the connection underneath, exactly.

func (c *lingeringConn) SetDeadline(t time.Time) error {
	c.read.want, c.write.want = t, t
	return nil
}

func (c *lingeringConn) SetReadDeadline(t time.Time) error {
	c.read.want = t
	return nil
}

func (c *lingeringConn) SetWriteDeadline(t time.Time) error {
	c.write.want = t
	return nil
}

func (c *lingeringConn) Read(p []byte) (int, error) {
	if t, ok := c.read.due(c.slack); ok {
		if err := c.Conn.SetReadDeadline(t); err != nil {
			return 0, err
		}
		c.read.armed = t
	}
	return c.Conn.Read(p)
}

func (c *lingeringConn) Write(p []byte) (int, error) {
	if t, ok := c.write.due(c.slack); ok {
		if err := c.Conn.SetWriteDeadline(t); err != nil {
			return 0, err
		}
		c.write.armed = t
	}
	return c.Conn.Write(p)
}
