package bamlrt

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// A failed call as baml-cli serve prints it at BAML_LOG=warn.
const failedCall = `2026-11-25T20:16:40.305 [BAML WARN] Function WritePosts:
    (3 other previous tries)
    Client: WriterPrimary (<unknown>) - 5ms
    ---PROMPT---
    system: Negócio: Doces da Lu
    user: fiz um bolo rosa
    ---REQUEST OPTIONS---
    model: "m1"
    ---ERROR (ServerError (401))---
    Request failed with status code: 401. Incorrect API key provided: sk-secret-123
2026-11-25T20:16:41.000 [BAML WARN] Loading environment variables from .env file
2026-11-25T20:16:42.000 [BAML ERROR] Function WritePosts:
    ---PROMPT---
    system: Negócio: Barbearia do Zé
    ---LLM REPLY---
    blah`

func TestLogWriterKeepsErrorsDropsPrompts(t *testing.T) {
	var out bytes.Buffer
	w := &logWriter{
		log:     slog.New(slog.NewTextHandler(&out, nil)),
		secrets: secretsIn("sk-baml-pw", []string{"REKAN_LLM_API_KEY=sk-secret-123", "REKAN_WRITER_MODEL=m1"}),
	}
	// Split writes mid-line, as pipe reads do.
	for _, chunk := range []string{failedCall[:50], failedCall[50:300], failedCall[300:]} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	w.flush()
	got := out.String()

	for _, want := range []string{"Function WritePosts:", "Client: WriterPrimary", "status code: 401", "[redacted]", "baml_level=ERROR"} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	for _, leak := range []string{"Doces da Lu", "bolo rosa", "Barbearia", "blah", "sk-secret-123", `model: \"m1\"`, "Loading environment"} {
		if strings.Contains(got, leak) {
			t.Errorf("log contains %q:\n%s", leak, got)
		}
	}
}
