package budget

import "testing"

func TestFromEnv(t *testing.T) {
	for raw, want := range map[string]int{"": DefaultPerHour, "5": 5, "120": 120} {
		got, err := FromEnv(func(string) string { return raw })
		if err != nil || got != want {
			t.Errorf("FromEnv(%q) = %d, %v; want %d", raw, got, err, want)
		}
	}
	for _, raw := range []string{"0", "-3", "ten", "1.5"} {
		if _, err := FromEnv(func(string) string { return raw }); err == nil {
			t.Errorf("FromEnv(%q) accepted", raw)
		}
	}
}

func TestWaitText(t *testing.T) {
	for secs, want := range map[int64]string{1: "1 segundo", 30: "30 segundos", 60: "1 minuto", 61: "2 minutos", 3480: "58 minutos"} {
		if got := WaitText(secs); got != want {
			t.Errorf("WaitText(%d) = %q, want %q", secs, got, want)
		}
	}
}
