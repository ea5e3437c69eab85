package render

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// inert keeps attendee-provided text from becoming a link. Mail clients
// link whatever looks like a URL, a domain or an address ("evil.example",
// "x@evil.example"), and anyone can place an order with someone else's
// email address, so a name or an answer would otherwise be a link in an
// email sent in the event's name. A word joiner (U+2060: invisible, no
// line break) after ".", "@" or ":" inside a word breaks those patterns
// and changes nothing people read. Markup needs no help: html/template
// escapes it, and the text part is not HTML.
func inert(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, c := range s {
		b.WriteRune(c)
		if c != '.' && c != '@' && c != ':' {
			continue
		}
		if next, _ := utf8.DecodeRuneInString(s[i+1:]); unicode.IsLetter(next) || unicode.IsDigit(next) || next == '/' {
			b.WriteRune('\u2060')
		}
	}
	return b.String()
}

func inertLines(lines []string) []string {
	out := make([]string, len(lines))
	for i, s := range lines {
		out[i] = inert(s)
	}
	return out
}

// oneLine collapses whitespace, line breaks included: a subject or a From
// name is one header line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// underline puts a rule under a plain-text heading, as long as the heading.
func underline(s, rule string) string {
	return s + "\n" + strings.Repeat(rule, utf8.RuneCountInString(s))
}

var blankLines = regexp.MustCompile(`\n{3,}`)

// tidy trims trailing spaces and keeps at most one blank line in a row,
// so the text templates can be laid out for reading.
func tidy(s string) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(ls, "\n"), "\n\n")) + "\n"
}
