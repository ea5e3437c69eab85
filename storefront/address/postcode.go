package address

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// postalCodeMatches reports whether a normalized (uppercased, trimmed,
// single-spaced) postcode fully matches a bojanz pattern. The pattern is
// grouped before anchoring: bojanz's own "^" + pattern + "$" anchors only
// the first and last alternative of patterns such as GB's "GIR ?0AA|…".
// A country without a pattern accepts any postcode.
func postalCodeMatches(pattern, postalCode string) bool {
	if pattern == "" {
		return true
	}
	re, err := regexp.Compile(`^(?:` + pattern + `)$`)
	return err == nil && re.MatchString(postalCode)
}

// browserPattern rewrites a bojanz postcode pattern for an HTML pattern
// attribute, which the browser anchors itself and matches against what the
// visitor typed, with the v flag, before any normalising. So letters match
// either case ("sw1a 1aa" is fine; the server uppercases it), spaces at
// either end are allowed, and only syntax that JavaScript's v mode and Go
// read alike is written: \xHH escapes for every character that is not an
// ASCII letter or digit. It returns "" when there is no pattern or it uses
// syntax this rewrite does not cover; the server checks either way.
func browserPattern(pattern string) string {
	if pattern == "" {
		return ""
	}
	re, err := syntax.Parse(pattern, syntax.Perl|syntax.FoldCase)
	if err != nil {
		return ""
	}
	var b strings.Builder
	if !writeJS(&b, re) {
		return ""
	}
	return `\x20*(?:` + b.String() + `)\x20*`
}

// writeJS writes re in the syntax JavaScript and Go share and reports
// whether it could.
func writeJS(b *strings.Builder, re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch:
	case syntax.OpLiteral:
		writeLiteral(b, re)
	case syntax.OpCharClass:
		return writeClass(b, re.Rune)
	case syntax.OpBeginText:
		b.WriteString("^")
	case syntax.OpEndText:
		b.WriteString("$")
	case syntax.OpWordBoundary:
		b.WriteString(`\b`)
	case syntax.OpNoWordBoundary:
		b.WriteString(`\B`)
	case syntax.OpCapture:
		return writeGroup(b, re.Sub[0])
	case syntax.OpConcat:
		return writeConcat(b, re.Sub)
	case syntax.OpAlternate:
		return writeAlternate(b, re.Sub)
	case syntax.OpQuest, syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
		return writeRepeat(b, re)
	default:
		return false
	}
	return true
}

// writeLiteral writes a literal string; case-folded letters become a class
// of both cases.
func writeLiteral(b *strings.Builder, re *syntax.Regexp) {
	fold := re.Flags&syntax.FoldCase != 0
	for _, r := range re.Rune {
		if fold && isASCIILetter(r) {
			b.WriteString("[" + strings.ToUpper(string(r)) + strings.ToLower(string(r)) + "]")
			continue
		}
		b.WriteString(escapeRune(r))
	}
}

// writeClass writes a character class, keeping only its ASCII part:
// postcodes are ASCII, and case folding adds look-alikes such as the
// Kelvin sign for K that no one types on purpose. A class with no ASCII
// part cannot be written the same way for both engines.
func writeClass(b *strings.Builder, ranges []rune) bool {
	var class strings.Builder
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], min(ranges[i+1], 0x7f)
		switch {
		case lo > hi:
		case lo == hi:
			class.WriteString(escapeRune(lo))
		default:
			class.WriteString(escapeRune(lo) + "-" + escapeRune(hi))
		}
	}
	if class.Len() == 0 {
		return false
	}
	b.WriteString("[" + class.String() + "]")
	return true
}

// writeGroup writes re as a non-capturing group.
func writeGroup(b *strings.Builder, re *syntax.Regexp) bool {
	b.WriteString("(?:")
	ok := writeJS(b, re)
	b.WriteString(")")
	return ok
}

// writeConcat writes a sequence, grouping alternations so that their "|"
// stays inside.
func writeConcat(b *strings.Builder, subs []*syntax.Regexp) bool {
	for _, sub := range subs {
		write := writeJS
		if sub.Op == syntax.OpAlternate {
			write = writeGroup
		}
		if !write(b, sub) {
			return false
		}
	}
	return true
}

// writeAlternate writes alternatives separated by "|".
func writeAlternate(b *strings.Builder, subs []*syntax.Regexp) bool {
	for i, sub := range subs {
		if i > 0 {
			b.WriteString("|")
		}
		if !writeJS(b, sub) {
			return false
		}
	}
	return true
}

// writeRepeat writes a quantified expression, its operand grouped unless
// it is one character or class, so that a quantifier never binds to part
// of it.
func writeRepeat(b *strings.Builder, re *syntax.Regexp) bool {
	write := writeGroup
	if sub := re.Sub[0]; sub.Op == syntax.OpCharClass || sub.Op == syntax.OpCapture ||
		sub.Op == syntax.OpLiteral && len(sub.Rune) == 1 {
		write = writeJS
	}
	if !write(b, re.Sub[0]) {
		return false
	}
	switch re.Op {
	case syntax.OpQuest:
		b.WriteString("?")
	case syntax.OpStar:
		b.WriteString("*")
	case syntax.OpPlus:
		b.WriteString("+")
	case syntax.OpRepeat:
		b.WriteString(repeatBounds(re.Min, re.Max))
	}
	if re.Flags&syntax.NonGreedy != 0 {
		b.WriteString("?")
	}
	return true
}

// repeatBounds writes {min}, {min,} or {min,max}.
func repeatBounds(lo, hi int) string {
	switch {
	case hi == lo:
		return fmt.Sprintf("{%d}", lo)
	case hi < 0:
		return fmt.Sprintf("{%d,}", lo)
	}
	return fmt.Sprintf("{%d,%d}", lo, hi)
}

// escapeRune writes other ASCII characters than letters and digits as
// \xHH, an escape JavaScript's v mode and Go both accept inside and
// outside a class; v mode refuses many plain punctuation characters in a
// class, and an escaped space. Non-ASCII characters are never syntax, so
// they stay as they are.
func escapeRune(r rune) string {
	if isASCIILetter(r) || '0' <= r && r <= '9' || r > 0x7f {
		return string(r)
	}
	return fmt.Sprintf(`\x%02X`, r)
}

// isASCIILetter reports whether r is A-Z or a-z.
func isASCIILetter(r rune) bool {
	return 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z'
}
