package form

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// fuzzForm has a field of every type, in customer and item scope, with
// limits that the fuzzer's inputs can cross.
func fuzzForm() []Field {
	var fields []Field
	for _, scope := range []Scope{ScopeCustomer, ScopeItem} {
		for i, f := range everyType() {
			f.Scope, f.Key = scope, string(scope)+"_"+string(f.Type)
			f.Required = i%2 == 0
			fields = append(fields, f)
		}
	}
	bounded := newField("bounded_text", TypeText)
	bounded.MinLength, bounded.MaxLength = 2, 5
	note := newField("note", TypeLongText)
	note.MaxLength = 30
	whole := newField("whole", TypeNumber)
	whole.Integer, whole.Min, whole.Max = true, ptr(-3), ptr(1e15)
	ranged := newField("ranged", TypeNumber)
	ranged.Min, ranged.Max = ptr(-0.5), ptr(2.5)
	day := newField("day", TypeDate)
	day.MinDate, day.MaxDate = "2000-02-29", "2100-01-01"
	multi := newField("multi", TypeMultipleChoice)
	multi.Options = options("x", "y", "z", "ü")
	return append(fields, bounded, note, whole, ranged, day, multi)
}

// Separators of the fuzzer's input: one record per field, several values
// per record.
const (
	recordSep = "\x1e"
	valueSep  = "\x1f"
)

// fuzzValues spreads raw over the inputs of fields of scope: record i is
// the values of the i-th field, split on valueSep. A record of "-" leaves
// the input out entirely.
func fuzzValues(raw string, fields []Field, prefix string) map[string][]string {
	records := strings.Split(raw, recordSep)
	values := map[string][]string{}
	for i, f := range fields {
		if i < len(records) && records[i] != "-" {
			values[prefix+f.Key] = strings.Split(records[i], valueSep)
		}
	}
	values[prefix+"unknown"] = []string{raw}
	return values
}

// answerValues turns stored answers back into what a form would submit,
// reading them as JSON gives them back (numbers as float64, lists as []any).
func answerValues(answers map[string]any, prefix string) map[string][]string {
	values := map[string][]string{}
	for key, a := range answers {
		var vs []string
		switch a := a.(type) {
		case string:
			vs = []string{a}
		case bool:
			if a {
				vs = []string{"on"}
			}
		case float64:
			vs = []string{strconv.FormatFloat(a, 'g', -1, 64)}
		case int64:
			vs = []string{strconv.FormatInt(a, 10)}
		case []string:
			vs = a
		case []any:
			for _, v := range a {
				vs = append(vs, v.(string))
			}
		}
		values[prefix+key] = vs
	}
	return values
}

func FuzzValidateAnswers(f *testing.F) {
	seeds := []string{
		"",
		strings.Join([]string{"Ada", "two\r\nlines", "Ada@Example.COM", "+49 30 1234567", "42", "a", "a\x1fb", "on", "2025-06-15", "de"}, recordSep),
		strings.Join([]string{" ", "\x00", "a <b@c.de>", "++1", "1e400", "c", "a\x1fa\x1fz", "no", "2025-02-30", "ıt"}, recordSep),
		strings.Join([]string{"a\x1fb", "-", "x@[1.2.3.4]", "1234", "-0", "b\x1fa", "", "yes\x1fyes", "0000-01-01", "EU"}, recordSep),
		strings.Repeat("-"+recordSep, 20) + "ab" + recordSep + "line\rline" + recordSep + "9007199254740993" + recordSep + "2.5" + recordSep + "2100-01-01" + recordSep + "ü\x1fx",
		// Record 4 is customer_email: net/mail takes invisible runes in an address.
		strings.Repeat("-"+recordSep, 4) + "a\u0085b@x.com",
		strings.Repeat("-"+recordSep, 4) + "a\u00a0b@x\u200b.com",
		"e\u0301" + recordSep + "\u2028" + recordSep + "ü@BÜCHER.DE" + recordSep + "1/2/3/4/5" + recordSep + ".5e-3",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	fields := fuzzForm()
	f.Fuzz(func(t *testing.T, raw string) {
		for _, scope := range []Scope{ScopeCustomer, ScopeItem} {
			prefix := ""
			if scope == ScopeItem {
				prefix = ItemPrefix(7)
			}
			checkAnswers(t, fields, scope, fuzzValues(raw, Sorted(fields, scope), prefix), prefix)
		}
	})
}

// checkAnswers validates values and checks the answers hold up: every
// field has an answer, an error or neither (optional and empty); errors
// carry known IDs under known input names; answers marshal to JSON; and
// answers read back from JSON and submitted again are accepted unchanged.
func checkAnswers(t *testing.T, fields []Field, scope Scope, values map[string][]string, prefix string) {
	errs := Errors{}
	answers := ValidateAnswers(fields, scope, values, prefix, errs)
	for name, id := range errs {
		key, ok := strings.CutPrefix(name, prefix)
		if !ok || !slices.ContainsFunc(fields, func(f Field) bool { return f.Key == key && f.Scope == scope }) {
			t.Errorf("error under unknown input %q", name)
		}
		if _, answered := answers[key]; answered {
			t.Errorf("%s has both an answer and error %s", name, id)
		}
		if !slices.Contains(MessageIDs(), id) {
			t.Errorf("%s: unlisted message ID %q", name, id)
		}
	}
	for key, a := range answers {
		checkAnswerType(t, fields, key, a)
	}
	b, err := json.Marshal(answers)
	if err != nil {
		t.Fatalf("answers do not marshal: %v (%#v)", err, answers)
	}
	var stored map[string]any
	if err := json.Unmarshal(b, &stored); err != nil {
		t.Fatal(err)
	}
	for _, again := range []map[string][]string{answerValues(answers, prefix), answerValues(stored, prefix)} {
		errs2 := Errors{}
		answers2 := ValidateAnswers(fields, scope, again, prefix, errs2)
		for key, a := range answers {
			if id, bad := errs2[prefix+key]; bad {
				t.Errorf("answer %s = %#.80v refused on resubmission: %s", key, a, id)
			}
			if !reflect.DeepEqual(answers2[key], a) {
				t.Errorf("answer %s changed on resubmission: %#.80v → %#.80v", key, a, answers2[key])
			}
		}
	}
}

// checkAnswerType checks an answer has the Go type its field stores.
func checkAnswerType(t *testing.T, fields []Field, key string, a any) {
	i := slices.IndexFunc(fields, func(f Field) bool { return f.Key == key })
	if i < 0 {
		t.Fatalf("answer for unknown key %q", key)
	}
	f := fields[i]
	var ok bool
	switch f.Type {
	case TypeMultipleChoice:
		var list []string
		list, ok = a.([]string)
		ok = ok && len(list) > 0
	case TypeCheckbox:
		_, ok = a.(bool)
	case TypeNumber:
		if f.Integer {
			_, ok = a.(int64)
		} else {
			var v float64
			v, ok = a.(float64)
			ok = ok && finite(v) && (v != 0 || !math.Signbit(v)) // no -0
		}
	case TypeEmail:
		var s string
		s, ok = a.(string)
		// An address goes into mail headers: nothing invisible in it.
		ok = ok && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsGraphic(r) || unicode.IsSpace(r) }) < 0
	default:
		var s string
		s, ok = a.(string)
		// Postgres cannot store NUL in a jsonb string.
		ok = ok && s != "" && strings.TrimSpace(s) == s && !strings.Contains(s, "\x00")
	}
	if !ok {
		t.Errorf("answer %s of type %s is %#.80v", key, f.Type, a)
	}
}
