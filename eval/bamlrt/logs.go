package bamlrt

import (
	"bytes"
	"log/slog"
	"regexp"
	"strings"
	"sync"
)

// logRecord matches the first line of a runtime log record, e.g.
// "2026-11-25T20:16:24.848 [BAML WARN] Function WritePosts:".
var logRecord = regexp.MustCompile(`^\d{4}-\d\d-\d\dT[\d:.]+ \[BAML (\w+)\] ?(.*)$`)

// quietMessages are printed by every start whether or not anything is wrong.
var quietMessages = []string{
	"Loading environment variables from .env file",
}

const (
	maxLineBytes   = 64 << 10
	maxLoggedBytes = 400
	// A failing call's record ends with the provider's error; a few lines are
	// enough to say what happened without flooding the log.
	maxLinesPerRecord = 8
)

// logWriter turns the runtime's stdout/stderr into slog records. Even at
// BAML_LOG=warn a failed call prints its whole prompt (business profile,
// brief) and the model's reply; only the record's headline, the client line
// and the error section are kept.
type logWriter struct {
	log *slog.Logger
	// secrets are replaced by [redacted]: providers quote rejected API keys
	// in error bodies, which the runtime logs.
	secrets []string

	mu      sync.Mutex
	pending []byte
	section string
	lines   int
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending = append(w.pending, p...)
	for {
		i := bytes.IndexByte(w.pending, '\n')
		if i < 0 {
			break
		}
		w.line(string(w.pending[:i]))
		w.pending = w.pending[i+1:]
	}
	if len(w.pending) > maxLineBytes {
		w.line(string(w.pending))
		w.pending = w.pending[:0]
	}
	return len(p), nil
}

// flush logs a trailing line without newline (the child exited mid-line).
func (w *logWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) > 0 {
		w.line(string(w.pending))
		w.pending = nil
	}
}

func (w *logWriter) line(raw string) {
	raw = strings.TrimRight(raw, "\r")
	if m := logRecord.FindStringSubmatch(raw); m != nil {
		w.section, w.lines = "", 0
		w.emit(m[2], m[1])
		return
	}
	text := strings.TrimSpace(raw)
	if text == "" {
		return
	}
	if strings.HasPrefix(text, "---") && strings.HasSuffix(text, "---") {
		w.section = text
		return
	}
	if w.section != "" && !strings.HasPrefix(w.section, "---ERROR") {
		return
	}
	w.emit(text, "")
}

func (w *logWriter) emit(msg, level string) {
	if msg == "" {
		return
	}
	w.lines++
	if w.lines > maxLinesPerRecord {
		return
	}
	for _, secret := range w.secrets {
		msg = strings.ReplaceAll(msg, secret, "[redacted]")
	}
	attrs := []any{"line", truncate(msg, maxLoggedBytes)}
	if level != "" {
		attrs = append(attrs, "baml_level", level)
	}
	for _, quiet := range quietMessages {
		if strings.HasPrefix(msg, quiet) {
			w.log.Debug("baml runtime output", attrs...)
			return
		}
	}
	w.log.Warn("baml runtime output", attrs...)
}

// secretsIn returns the password and the values of env entries whose names
// say they are secret (REKAN_LLM_API_KEY and the like).
func secretsIn(password string, env []string) []string {
	secrets := []string{password}
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		upper := strings.ToUpper(name)
		if len(value) < 4 {
			continue
		}
		for _, marker := range []string{"KEY", "SECRET", "TOKEN", "PASSWORD"} {
			if strings.Contains(upper, marker) {
				secrets = append(secrets, value)
				break
			}
		}
	}
	return secrets
}
