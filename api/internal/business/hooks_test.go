package business_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/business"
	_ "github.com/rekan/rekan/api/migrations"
)

// The hooks run on app.Save too, not only on API requests.
func TestHooksRunOnAppSave(t *testing.T) {
	app, owner, c := appWithOperator(t)
	r := core.NewRecord(c)
	r.Load(map[string]any{"owner": owner.Id, "name": "Pet Shop", "segment": "pet shop", "city": "Natal", "state": "rn",
		"phone": "+1 (415) 555-0100", "services": []map[string]any{{"name": " Banho ", "price_brl": 50}}, "facts": []string{" x "}})
	if err := app.Save(r); err != nil {
		t.Fatalf("save: %v", err)
	}
	if r.GetString("phone") != "14155550100" || r.GetString("state") != "RN" || r.GetString("facts") != `["x"]` {
		t.Errorf("not normalised: phone %s state %s facts %s", r.GetString("phone"), r.GetString("state"), r.GetString("facts"))
	}

	// Saving again with the stored foreign phone must not reinterpret it.
	r.Set("name", "Pet Shop Amigo Fiel")
	if err := app.Save(r); err != nil {
		t.Fatalf("second save: %v", err)
	}
	if r.GetString("phone") != "14155550100" {
		t.Errorf("phone changed on re-save: %s", r.GetString("phone"))
	}

	// Read back from the database, as the API does, and save again.
	fresh, err := app.FindRecordById(business.Collection, r.Id)
	if err != nil {
		t.Fatal(err)
	}
	fresh.Set("notes", "atende em casa")
	if err := app.Save(fresh); err != nil || fresh.GetString("phone") != "14155550100" {
		t.Fatalf("save of a fetched record: %v, phone %s", err, fresh.GetString("phone"))
	}

	r.Set("state", "Rio Grande do Norte")
	if err := app.Save(r); err == nil || !strings.Contains(err.Error(), "Estado inválido") {
		t.Fatalf("invalid state: %v", err)
	}
}

// Invisible characters are not content: the server's one trimming rule
// applies to every text field of a business.
func TestInvisibleTextIsEmpty(t *testing.T) {
	app, owner, c := appWithOperator(t)
	base := map[string]any{"owner": owner.Id, "name": "Pet Shop", "segment": "pet shop", "city": "Natal", "state": "rn"}
	for _, field := range []string{"name", "segment", "city"} {
		r := core.NewRecord(c)
		r.Load(base)
		r.Set(field, "\u200b\ufeff\u3164 \u00a0")
		err := app.Save(r)
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s of invisible characters: %v", field, err)
		}
	}
	for _, bad := range []map[string]any{
		{"services": []map[string]any{{"name": "\u200b"}}},
		{"state": "\u200bRN\u200b"},
	} {
		r := core.NewRecord(c)
		r.Load(base)
		r.Load(bad)
		if _, isState := bad["state"]; isState {
			if err := app.Save(r); err != nil || r.GetString("state") != "RN" {
				t.Errorf("state with invisible edges: %v %q", err, r.GetString("state"))
			}
			continue
		}
		if err := app.Save(r); err == nil || !strings.Contains(err.Error(), "services") {
			t.Errorf("service named with invisible characters: %v", err)
		}
	}
	r := core.NewRecord(c)
	r.Load(base)
	r.Set("name", "\u200b Pet Shop \ufeff")
	r.Set("notes", "\u2060")
	r.Set("facts", []string{"\u200b", " banho e tosa\u200b"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if r.GetString("name") != "Pet Shop" || r.GetString("notes") != "" || r.GetString("facts") != `["banho e tosa"]` {
		t.Errorf("not trimmed: name %q notes %q facts %s", r.GetString("name"), r.GetString("notes"), r.GetString("facts"))
	}
}

// appWithOperator is a test app with the business hooks bound, one operator
// and the businesses collection.
func appWithOperator(t *testing.T) (*tests.TestApp, *core.Record, *core.Collection) {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	business.BindHooks(app)
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	owner := core.NewRecord(users)
	owner.SetEmail("op@example.com")
	owner.SetPassword("a-long-password")
	if err := app.Save(owner); err != nil {
		t.Fatal(err)
	}
	c, err := app.FindCollectionByNameOrId(business.Collection)
	if err != nil {
		t.Fatal(err)
	}
	return app, owner, c
}

// The owner's WhatsApp must be a Brazilian mobile, whatever the public
// phone is; the owner's name is trimmed like every text field.
func TestOwnerWhatsApp(t *testing.T) {
	app, owner, c := appWithOperator(t)
	base := map[string]any{"owner": owner.Id, "name": "Pet Shop", "segment": "pet shop", "city": "Natal", "state": "rn",
		"phone": "(84) 3222-1234"}
	r := core.NewRecord(c)
	r.Load(base)
	r.Set("owner_name", " Ana Souza\u200b")
	r.Set("owner_whatsapp", "(84) 99876-5432")
	if err := app.Save(r); err != nil {
		t.Fatalf("save: %v", err)
	}
	if r.GetString("owner_whatsapp") != "5584998765432" || r.GetString("owner_name") != "Ana Souza" {
		t.Errorf("not normalised: %q %q", r.GetString("owner_whatsapp"), r.GetString("owner_name"))
	}
	fresh, err := app.FindRecordById(business.Collection, r.Id)
	if err != nil {
		t.Fatal(err)
	}
	fresh.Set("notes", "x")
	if err := app.Save(fresh); err != nil || fresh.GetString("owner_whatsapp") != "5584998765432" {
		t.Fatalf("re-save: %v %q", err, fresh.GetString("owner_whatsapp"))
	}
	for _, bad := range []string{"(84) 3222-1234", "+1 415 555 0100", "9876"} {
		fresh.Set("owner_whatsapp", bad)
		if err := app.Save(fresh); err == nil || !strings.Contains(err.Error(), "owner_whatsapp") {
			t.Errorf("owner_whatsapp %q accepted: %v", bad, err)
		}
	}
}
