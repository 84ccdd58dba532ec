// Package business keeps the `businesses` collection truthful: phones in one
// canonical form, a real UF, and services and facts in the shapes the prompts
// expect. Its hooks run on every save, through the API or app.Save alike.
package business

import (
	"errors"
	"strings"

	"github.com/rekan/rekan/eval/content"
)

// ErrInvalidPhone is returned for numbers that cannot be a phone number.
var ErrInvalidPhone = errors.New("invalid phone number")

// NormalizePhone turns what operators type ("(11) 98765-4321",
// "+55 11 98765-4321", "11987654321") into E.164 digits without the plus.
// Numbers without a country code are taken as Brazilian. An empty input stays
// empty (the phone is optional).
func NormalizePhone(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	international := strings.HasPrefix(raw, "+") || strings.HasPrefix(raw, "00")
	var digits strings.Builder
	for _, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case strings.ContainsRune(" ()-.+/", r):
			// formatting
		default:
			return "", ErrInvalidPhone
		}
	}
	d := digits.String()
	if strings.HasPrefix(raw, "00") {
		d = d[2:]
	}

	if international && !strings.HasPrefix(d, "55") {
		// Foreign number: only E.164's length bounds can be checked.
		if len(d) < content.MinPhoneDigits || len(d) > content.MaxPhoneDigits {
			return "", ErrInvalidPhone
		}
		return d, nil
	}

	if !international {
		// A leading 0 is the Brazilian trunk prefix ("011 ...").
		d = strings.TrimPrefix(d, "0")
		if len(d) == 12 || len(d) == 13 {
			if !strings.HasPrefix(d, "55") {
				return "", ErrInvalidPhone
			}
		} else {
			d = "55" + d
		}
	}
	if !validBrazilian(d[2:]) {
		return "", ErrInvalidPhone
	}
	return d, nil
}

// ErrNotMobile is returned for a valid number that is not a Brazilian
// mobile (a landline or a foreign number cannot receive the approval link
// on WhatsApp in Brazil).
var ErrNotMobile = errors.New("not a Brazilian mobile number")

// NormalizeMobile is NormalizePhone restricted to Brazilian mobiles: 55,
// a DDD, then 9 and 8 digits. An empty input stays empty.
func NormalizeMobile(raw string) (string, error) {
	d, err := NormalizePhone(raw)
	if err != nil || d == "" {
		return d, err
	}
	if len(d) != 13 || !strings.HasPrefix(d, "55") || d[4] != '9' {
		return "", ErrNotMobile
	}
	return d, nil
}

// validBrazilian checks a national number: a two-digit area code without
// zeros, then 8 digits starting with 2-5 (landline) or 9 digits starting
// with 9 (mobile).
func validBrazilian(national string) bool {
	if len(national) != 10 && len(national) != 11 {
		return false
	}
	if national[0] == '0' || national[1] == '0' {
		return false
	}
	if len(national) == 11 && national[2] != '9' {
		return false
	}
	if len(national) == 10 && (national[2] < '2' || national[2] > '5') {
		return false
	}
	return true
}
