package mail

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Default ports: submission with STARTTLS (RFC 6409) and submission over
// implicit TLS (RFC 8314).
const (
	DefaultPort    = 587
	DefaultTLSPort = 465
)

// ParseURL reads SMTP_URL into a Config:
//
//	smtp://user:pass@host:587                  STARTTLS, required
//	smtp://user:pass@host:587?starttls=optional STARTTLS if the server offers it
//	smtp://host:25?starttls=none               plain text (a local relay)
//	smtps://user:pass@host:465                 implicit TLS
//
// User name and password are optional, together, and percent-decoded. The
// URL describes the transport only: the sender address is configured on its
// own (SMTP_FROM), so "?from=" is refused rather than silently ignored.
// Errors name the part that is wrong and never contain the password.
func ParseURL(raw string) (Config, error) {
	if strings.TrimSpace(raw) == "" {
		return Config{}, errors.New("SMTP_URL is empty")
	}
	// url.Parse is not used on the whole string: its errors quote the
	// complete URL, password included, and a bad port would only come back
	// as a generic parse error.
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return Config{}, errors.New(`SMTP_URL: missing "smtp://" or "smtps://" at the start`)
	}
	var cfg Config
	switch strings.ToLower(scheme) {
	case "smtp":
		cfg.TLS, cfg.Port = StartTLSRequired, DefaultPort
	case "smtps":
		cfg.TLS, cfg.Port = ImplicitTLS, DefaultTLSPort
	default:
		return Config{}, fmt.Errorf("SMTP_URL: scheme %q is not smtp or smtps", scheme)
	}

	// Split like url.Parse: the host part ends at the first "/", "?" or
	// "#". An "@" after it means a user name or password holds one of
	// those characters unescaped; nothing after the host is quoted then,
	// because it would be part of the password.
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	if strings.Contains(tail, "@") {
		if _, query, _ := strings.Cut(tail, "?"); hasFromParameter(query) {
			return Config{}, errFromParameter
		}
		return Config{}, errors.New(`SMTP_URL: "@" after the host: percent-encode "/", "?" and "#" in the user name or password (%2F, %3F, %23)`)
	}
	tail, fragment, hasFragment := strings.Cut(tail, "#")
	if hasFragment {
		return Config{}, fmt.Errorf("SMTP_URL: fragment %q is not allowed", "#"+fragment)
	}
	path, query, _ := strings.Cut(tail, "?")
	if path != "" && path != "/" {
		return Config{}, fmt.Errorf("SMTP_URL: path %q is not allowed", path)
	}

	// The last "@" separates user info from the host: a password may
	// contain an unescaped "@", a host never does.
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		if err := parseUserInfo(authority[:i], &cfg); err != nil {
			return Config{}, err
		}
		authority = authority[i+1:]
	}
	if err := parseHostPort(authority, &cfg); err != nil {
		return Config{}, err
	}
	if err := parseQuery(query, &cfg); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// errFromParameter refuses "?from=": the sender address is configured on
// its own so that the URL stays a transport secret and nothing else.
var errFromParameter = errors.New(`SMTP_URL: parameter "from" is not supported: set the sender address separately (SMTP_FROM)`)

// hasFromParameter reports whether a query names "from".
func hasFromParameter(query string) bool {
	values, err := url.ParseQuery(query)
	return err == nil && values.Has("from")
}

// parseUserInfo sets the credentials from "user:pass", both percent-encoded.
func parseUserInfo(userinfo string, cfg *Config) error {
	rawUser, rawPass, hasPass := strings.Cut(userinfo, ":")
	user, err := url.PathUnescape(rawUser)
	if err != nil {
		return errors.New("SMTP_URL: user name has an invalid %-escape")
	}
	pass, err := url.PathUnescape(rawPass)
	if err != nil {
		return errors.New("SMTP_URL: password has an invalid %-escape")
	}
	switch {
	case user == "" && pass == "" && !hasPass:
		return errors.New(`SMTP_URL: "@" without a user name`)
	case user == "":
		return errors.New("SMTP_URL: password given without a user name")
	case pass == "":
		// SMTP AUTH with an empty password is always a mistake in the
		// URL, usually a missing ":".
		return fmt.Errorf("SMTP_URL: user %q has no password", user)
	}
	cfg.Username, cfg.Password = user, pass
	return nil
}

// parseHostPort sets Host and, when given, Port from "host[:port]" or
// "[ipv6][:port]".
func parseHostPort(hostport string, cfg *Config) error {
	host, port := hostport, ""
	if strings.HasPrefix(hostport, "[") {
		end := strings.Index(hostport, "]")
		if end < 0 {
			return fmt.Errorf("SMTP_URL: host %q is missing its closing \"]\"", hostport)
		}
		host, port = hostport[1:end], hostport[end+1:]
		if port != "" && !strings.HasPrefix(port, ":") {
			return fmt.Errorf("SMTP_URL: unexpected %q after host [%s]", port, host)
		}
		port = strings.TrimPrefix(port, ":")
		if net.ParseIP(host) == nil {
			return fmt.Errorf("SMTP_URL: host [%s] is not an IPv6 address", host)
		}
	} else if i := strings.LastIndex(hostport, ":"); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
		if strings.Contains(host, ":") {
			return fmt.Errorf("SMTP_URL: host %q: put an IPv6 address in brackets", host)
		}
	}
	if host == "" {
		return errors.New("SMTP_URL: host is missing")
	}
	if strings.ContainsFunc(host, func(r rune) bool { return r <= ' ' || r == 0x7f || strings.ContainsRune(`%\<>"{}|^`+"`", r) }) {
		return fmt.Errorf("SMTP_URL: host %q contains characters a host name cannot have", host)
	}
	cfg.Host = host
	if strings.HasSuffix(hostport, ":") && port == "" {
		return errors.New(`SMTP_URL: port is empty after ":"`)
	}
	if port == "" {
		return nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || strings.HasPrefix(port, "+") || strings.HasPrefix(port, "-") {
		return fmt.Errorf("SMTP_URL: port %q is not a number", port)
	}
	if n < 1 || n > 65535 {
		return fmt.Errorf("SMTP_URL: port %d is out of range 1-65535", n)
	}
	cfg.Port = n
	return nil
}

// parseQuery applies the only parameter the URL knows, starttls.
func parseQuery(query string, cfg *Config) error {
	if query == "" {
		return nil
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return fmt.Errorf("SMTP_URL: query %q is not valid: %v", query, err)
	}
	for name := range values {
		switch name {
		case "starttls":
		case "from":
			return errFromParameter
		default:
			return fmt.Errorf(`SMTP_URL: unknown parameter %q (only "starttls" is known)`, name)
		}
	}
	modes := values["starttls"]
	if len(modes) == 0 {
		return nil
	}
	if len(modes) > 1 {
		return errors.New(`SMTP_URL: parameter "starttls" is given more than once`)
	}
	if cfg.TLS == ImplicitTLS {
		return errors.New(`SMTP_URL: "starttls" applies to smtp:// only; smtps:// always uses implicit TLS`)
	}
	switch modes[0] {
	case "required":
		cfg.TLS = StartTLSRequired
	case "optional":
		cfg.TLS = StartTLSOptional
	case "none":
		cfg.TLS = NoTLS
	default:
		return fmt.Errorf(`SMTP_URL: starttls %q is not "required", "optional" or "none"`, modes[0])
	}
	return nil
}
