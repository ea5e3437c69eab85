package form

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"marquee/storefront/address"
)

// DisplayAnswer returns a stored answer to f as people read it, in locale
// (else fallback): the option labels of a choice rather than its values,
// numbers without a trailing ".0", and yes or no (the caller's words, since
// this package holds no translations) for a checkbox. Answers may come
// straight from Parse or back from JSONB; both read the same. Nil is "".
func (f Field) DisplayAnswer(v any, locale, fallback, yes, no string) string {
	switch v := v.(type) {
	case nil:
		return ""
	case bool:
		if v {
			return yes
		}
		return no
	case string:
		if f.Type == TypeCountry {
			return cmp.Or(address.CountryName(v, locale), v)
		}
		return f.optionLabel(v, locale, fallback)
	case []string:
		return f.optionLabels(v, locale, fallback)
	case []any:
		values := make([]string, len(v))
		for i, x := range v {
			values[i] = fmt.Sprint(x)
		}
		return f.optionLabels(values, locale, fallback)
	case float64:
		return numberText(v)
	case json.Number:
		return v.String()
	case int64:
		return strconv.FormatInt(v, 10)
	case int:
		return strconv.Itoa(v)
	}
	return fmt.Sprint(v)
}

// optionLabel is the label of the option with value v, or v itself for a
// field without options or a value the form no longer offers.
func (f Field) optionLabel(v, locale, fallback string) string {
	for _, o := range f.Options {
		if o.Value == v {
			return o.LabelFor(locale, fallback)
		}
	}
	return v
}

func (f Field) optionLabels(values []string, locale, fallback string) string {
	labels := make([]string, len(values))
	for i, v := range values {
		labels[i] = f.optionLabel(v, locale, fallback)
	}
	return strings.Join(labels, ", ")
}

// numberText writes whole numbers whole (JSON turns 3 into 3.0).
func numberText(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
		return strconv.FormatInt(int64(x), 10)
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}
