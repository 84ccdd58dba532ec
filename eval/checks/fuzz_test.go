package checks_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

// FuzzRun proves no input makes a check panic and that Run always reports
// every check, in order, with a severity and a reason. Seeds live in
// testdata/fuzz/FuzzRun; hashtags are one argument split on newlines.
func FuzzRun(f *testing.F) {
	p := goodPost()
	f.Add(p.Hook, p.Caption, strings.Join(p.Hashtags, "\n"), p.ProductionNote)
	f.Add("", "", "", "")
	f.Add("Estou a fazer", "Curta e compartilhe! 👩‍🍳🇧🇷1️⃣ www.x.com.br #a#b ##", "#\n# \n#é\u0301", "a")
	ids := checks.IDs()
	f.Fuzz(func(t *testing.T, hook, caption, hashtags, note string) {
		post := content.Post{
			Role:           content.RoleProduct,
			Hook:           hook,
			Caption:        caption,
			Hashtags:       strings.Split(hashtags, "\n"),
			ProductionNote: note,
		}
		in := checks.Input{Post: post, Context: goodContext()}
		in.PreviousHooks = []string{caption}
		in.Others = []content.Post{{Hook: note, Caption: hook}}
		rs := checks.Run(in)
		got := make([]string, len(rs))
		for i, r := range rs {
			got[i] = r.ID
			if r.Severity != checks.SeverityError && r.Severity != checks.SeverityWarning {
				t.Fatalf("%s: severity %q", r.ID, r.Severity)
			}
			if r.Label == "" || r.Reason == "" {
				t.Fatalf("%s: empty label or reason", r.ID)
			}
		}
		if !reflect.DeepEqual(got, ids) {
			t.Fatalf("IDs %v", got)
		}
		if !reflect.DeepEqual(rs, checks.Run(in)) {
			t.Fatal("Run is not deterministic")
		}
		if n := checks.CountEmoji(caption); n < 0 || n > len([]rune(caption)) {
			t.Fatalf("CountEmoji = %d for %d runes", n, len([]rune(caption)))
		}
	})
}
