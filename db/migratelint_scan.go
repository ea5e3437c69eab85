package db

import (
	"strings"
)

// sqlToken is one word, name, literal or punctuation mark of a migration's
// Up section.
type sqlToken struct {
	text   string // as written, quotes removed from a quoted name
	upper  string // text upper-cased: how keywords are compared
	quoted bool   // a "quoted" name: never a keyword
	line   int    // 1-based line of the file
	depth  int    // parentheses open around it; a parenthesis itself is outside
}

// is reports whether t is the keyword kw (an upper-case word).
func (t sqlToken) is(kw string) bool { return !t.quoted && t.upper == kw }

// name is t as an unqualified name: a quoted name keeps its case.
func (t sqlToken) name() string {
	if t.quoted {
		return t.text
	}
	return strings.ToLower(t.text)
}

// sqlStatement is one statement of a migration's Up section.
type sqlStatement struct {
	tokens []sqlToken
	text   string // its source, whitespace collapsed, for messages
}

// migrationSource is what the migration check reads from a file: the Up
// section's statements, goose's NO TRANSACTION annotation and the comment
// lines that start with the two-step marker.
type migrationSource struct {
	statements    []sqlStatement
	noTransaction bool
	markers       []markerLine
}

// markerLine is a comment line starting with marquee:two-step.
type markerLine struct {
	line int
	text string // the comment after "--", trimmed
}

// scanMigration splits a goose SQL file into the statements of its Up
// section. It knows what Postgres's lexer knows about where a statement
// ends: line and nested block comments, quoted strings (with E” escapes),
// quoted names and dollar quotes, so a ';' inside a function body does not
// end the statement.
func scanMigration(src string) migrationSource {
	s := scanner{src: src, line: 1, up: true}
	for s.pos < len(s.src) {
		s.next()
	}
	s.endStatement(len(s.src))
	return s.out
}

type scanner struct {
	src   string
	pos   int
	line  int
	depth int
	up    bool // in the Up section (or before any annotation)
	start int  // byte offset where the current statement's first token began, -1 if none
	cur   []sqlToken
	out   migrationSource
}

func (s *scanner) next() {
	c := s.src[s.pos]
	switch {
	case c == '\n':
		s.line++
		s.pos++
	case c == ' ' || c == '\t' || c == '\r' || c == '\f':
		s.pos++
	case strings.HasPrefix(s.src[s.pos:], "--"):
		s.lineComment()
	case strings.HasPrefix(s.src[s.pos:], "/*"):
		s.blockComment()
	case c == '\'':
		s.quoted('\'', false, s.pos > 0 && (s.src[s.pos-1] == 'E' || s.src[s.pos-1] == 'e'))
	case c == '"':
		s.quoted('"', true, false)
	case c == '$' && s.dollarTag() != "":
		s.dollarQuoted(s.dollarTag())
	case c == ';':
		s.endStatement(s.pos)
		s.pos++
	case isWordByte(c):
		from := s.pos
		for s.pos < len(s.src) && (isWordByte(s.src[s.pos]) || s.src[s.pos] == '$') {
			s.pos++
		}
		s.add(from, s.src[from:s.pos], false)
	default:
		from := s.pos
		s.pos++
		if c == '(' {
			s.add(from, "(", false)
			s.depth++
			return
		}
		if c == ')' && s.depth > 0 {
			s.depth--
		}
		s.add(from, string(c), false)
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// add appends a token to the current statement (in the Up section only).
func (s *scanner) add(from int, text string, quoted bool) {
	if !s.up {
		return
	}
	if len(s.cur) == 0 {
		s.start = from
	}
	s.cur = append(s.cur, sqlToken{text: text, upper: strings.ToUpper(text), quoted: quoted, line: s.line, depth: s.depth})
}

func (s *scanner) endStatement(end int) {
	if len(s.cur) > 0 {
		s.out.statements = append(s.out.statements, sqlStatement{tokens: s.cur, text: strings.Join(strings.Fields(s.src[s.start:end]), " ")})
	}
	s.cur, s.depth = nil, 0
}

// lineComment reads a "--" comment: goose's annotations and the two-step
// marker are comments.
func (s *scanner) lineComment() {
	end := strings.IndexByte(s.src[s.pos:], '\n')
	if end < 0 {
		end = len(s.src) - s.pos
	}
	text := strings.TrimSpace(s.src[s.pos+2 : s.pos+end])
	s.pos += end
	switch {
	case strings.HasPrefix(text, "+goose "):
		switch strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(text, "+goose "))) {
		case "UP":
			s.endStatement(s.pos)
			s.up = true
		case "DOWN":
			s.endStatement(s.pos)
			s.up = false
		case "NO TRANSACTION":
			s.out.noTransaction = true
		}
	case strings.HasPrefix(text, twoStepPrefix):
		s.out.markers = append(s.out.markers, markerLine{line: s.line, text: text})
	}
}

// blockComment reads a /* */ comment, which nests in Postgres.
func (s *scanner) blockComment() {
	nest := 0
	for s.pos < len(s.src) {
		switch {
		case strings.HasPrefix(s.src[s.pos:], "/*"):
			nest++
			s.pos += 2
		case strings.HasPrefix(s.src[s.pos:], "*/"):
			nest--
			s.pos += 2
			if nest == 0 {
				return
			}
		default:
			if s.src[s.pos] == '\n' {
				s.line++
			}
			s.pos++
		}
	}
}

// quoted reads a string ('...') or a quoted name ("..."); a doubled quote
// is the quote itself, and in an E” string so is a backslashed one.
func (s *scanner) quoted(q byte, name, backslash bool) {
	from, line := s.pos, s.line
	var b strings.Builder
	s.pos++
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == '\\' && backslash && s.pos+1 < len(s.src):
			b.WriteByte(s.src[s.pos+1])
			s.pos += 2
			continue
		case c == q && s.pos+1 < len(s.src) && s.src[s.pos+1] == q:
			b.WriteByte(q)
			s.pos += 2
			continue
		case c == q:
			s.pos++
			s.addAt(from, line, b.String(), name)
			return
		case c == '\n':
			s.line++
		}
		b.WriteByte(c)
		s.pos++
	}
	s.addAt(from, line, b.String(), name)
}

// addAt adds a token that began on an earlier line than the scanner is on.
func (s *scanner) addAt(from, line int, text string, name bool) {
	s.add(from, text, name)
	if s.up {
		s.cur[len(s.cur)-1].line = line
		if !name {
			s.cur[len(s.cur)-1].upper = "'" // a literal is never a keyword
		}
	}
}

// dollarTag returns the $tag$ that starts at pos, or "" when none does
// (a positional parameter such as $1, or a lone $).
func (s *scanner) dollarTag() string {
	rest := s.src[s.pos+1:]
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if c == '$' {
			return "$" + rest[:i+1]
		}
		if !isWordByte(c) || i == 0 && c >= '0' && c <= '9' {
			return ""
		}
	}
	return ""
}

func (s *scanner) dollarQuoted(tag string) {
	from, line := s.pos, s.line
	body := s.pos + len(tag)
	end := strings.Index(s.src[body:], tag)
	if end < 0 {
		end = len(s.src) - body
	}
	text := s.src[body : body+end]
	s.line += strings.Count(text, "\n")
	s.pos = min(len(s.src), body+end+len(tag))
	s.addAt(from, line, text, false)
}
