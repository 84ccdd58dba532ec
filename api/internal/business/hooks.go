package business

import (
	"encoding/json"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/text"
)

// Collection is the name of the businesses collection.
const Collection = "businesses"

// BindHooks normalises and validates every business before PocketBase's own
// field validation runs, whether the save comes from the API or from Go.
func BindHooks(app core.App) {
	app.OnRecordValidate(Collection).BindFunc(func(e *core.RecordEvent) error {
		stored := storedRecord(e.App, e.Record)
		errs := normalize(e.Record, stored)
		if err := normalizeSegmentTags(e.Record, stored); err != nil {
			errs["segment_tags"] = err
		}
		if err := validatePlan(e.Record); err != nil {
			errs["posts_per_month"] = err
		}
		if len(errs) > 0 {
			return errs
		}
		return e.Next()
	})
}

// textFields are the free-text fields, trimmed by the server's one rule.
var textFields = []string{"name", "segment", "city", "neighbourhood", "audience", "voice", "notes", "opening_hours", "owner_name"}

// normalize rewrites the record's fields into their canonical form and
// returns the problems in PocketBase's validation format (Portuguese
// messages, one per field).
func normalize(record *core.Record, stored *core.Record) validation.Errors {
	errs := validation.Errors{}

	// Invisible characters are not content: a name of zero-width spaces is
	// an empty (so missing) name.
	for _, field := range textFields {
		record.Set(field, text.Trim(record.GetString(field)))
	}

	// A stored phone is already canonical; normalising it again would read a
	// foreign number without its "+" as a Brazilian one.
	if raw := record.GetString("phone"); record.IsNew() || raw != stored.GetString("phone") {
		phone, err := NormalizePhone(raw)
		if err != nil {
			errs["phone"] = validation.NewError("validation_invalid_phone",
				"Telefone inválido: use DDD e número, por exemplo (11) 98765-4321.")
		} else {
			record.Set("phone", phone)
		}
	}

	if raw := record.GetString("owner_whatsapp"); record.IsNew() || raw != stored.GetString("owner_whatsapp") {
		mobile, err := NormalizeMobile(raw)
		if err != nil {
			errs["owner_whatsapp"] = validation.NewError("validation_invalid_mobile",
				"WhatsApp inválido: use um celular com DDD, por exemplo (11) 98765-4321.")
		} else {
			record.Set("owner_whatsapp", mobile)
		}
	}

	if raw := record.GetString("state"); raw != "" {
		uf, ok := NormalizeState(raw)
		if !ok {
			errs["state"] = validation.NewError("validation_invalid_state",
				"Estado inválido: use a sigla da UF, por exemplo SP.")
		} else {
			record.Set("state", uf)
		}
	}

	services, err := ParseServices(rawJSON(record, "services"))
	if err != nil {
		errs["services"] = validation.NewError("validation_invalid_services", err.Error())
	} else {
		record.Set("services", services)
	}

	facts, err := ParseFacts(rawJSON(record, "facts"))
	if err != nil {
		errs["facts"] = validation.NewError("validation_invalid_facts", err.Error())
	} else {
		record.Set("facts", facts)
	}

	areas, err := ParseDeliveryAreas(rawJSON(record, "delivery_areas"))
	if err != nil {
		errs["delivery_areas"] = validation.NewError("validation_invalid_delivery_areas", err.Error())
	} else {
		record.Set("delivery_areas", areas)
	}

	return errs
}

// storedRecord is the business as saved in the database (an empty record
// for a new one). Record.Original is only filled for records read from the
// database, not for one saved earlier in the same process, hence the lookup.
func storedRecord(app core.App, record *core.Record) *core.Record {
	if record.IsNew() {
		return core.NewRecord(record.Collection())
	}
	if original := record.Original(); original.Id != "" {
		return original
	}
	stored, err := app.FindRecordById(Collection, record.Id)
	if err != nil {
		return core.NewRecord(record.Collection())
	}
	return stored
}

func rawJSON(record *core.Record, field string) []byte {
	switch v := record.Get(field).(type) {
	case types.JSONRaw:
		return v
	case nil:
		return nil
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			return []byte("invalid")
		}
		return raw
	}
}

// Profile is the business as the prompts see it.
func Profile(record *core.Record) content.Business {
	services, err := ParseServices(rawJSON(record, "services"))
	if err != nil {
		services = []content.Offering{}
	}
	facts, err := ParseFacts(rawJSON(record, "facts"))
	if err != nil {
		facts = []string{}
	}
	areas, err := ParseDeliveryAreas(rawJSON(record, "delivery_areas"))
	if err != nil {
		areas = []string{}
	}
	return content.Business{
		Name:          record.GetString("name"),
		Segment:       record.GetString("segment"),
		City:          record.GetString("city"),
		State:         record.GetString("state"),
		Neighbourhood: record.GetString("neighbourhood"),
		Phone:         record.GetString("phone"),
		Services:      services,
		Audience:      record.GetString("audience"),
		Voice:         record.GetString("voice"),
		Facts:         facts,
		Notes:         record.GetString("notes"),
		DeliveryAreas: areas,
		OpeningHours:  record.GetString("opening_hours"),
	}
}
