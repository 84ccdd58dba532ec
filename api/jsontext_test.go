package main

import (
	"strings"
	"testing"
)

// Every JSON body the server takes (the records API too, not only the
// generate route) is text: invalid UTF-8 and escaped lone surrogates are a
// 400, never a U+FFFD stored in a business's name.
func TestServeRefusesJSONThatIsNotText(t *testing.T) {
	s := serverWithOperator(t)
	token, userID := s.login(t, "ana@example.com", "a-long-password")
	for name, value := range map[string]string{
		"lone high surrogate": `"Doceria \ud800"`,
		"lone low surrogate":  `"\udc00 Doceria"`,
		"invalid UTF-8":       "\"Doceria \xff\xfe\"",
	} {
		status, _, body := s.call(t, "POST", "/api/collections/businesses/records", token,
			`{"owner":"`+userID+`","name":`+value+`,"segment":"doceria","city":"Recife","state":"PE"}`)
		if status != 400 || !strings.Contains(body, "JSON inválido") {
			t.Errorf("business named with a %s: %d %s", name, status, body)
		}
	}
	if status, _, body := s.call(t, "GET", "/api/collections/businesses/records", token, ""); status != 200 || !strings.Contains(body, `"totalItems":0`) {
		t.Errorf("refused bodies wrote something: %d %s", status, body)
	}
	// A surrogate pair is one character, and valid.
	if status, _, body := s.call(t, "POST", "/api/collections/businesses/records", token,
		`{"owner":"`+userID+`","name":"Doceria \ud83c\udf82","segment":"doceria","city":"Recife","state":"PE"}`); status != 200 || !strings.Contains(body, "Doceria 🎂") {
		t.Errorf("business with an emoji: %d %s", status, body)
	}
}
