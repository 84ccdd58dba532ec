// Package profiles loads the test business profiles the eval pipeline
// generates content for. A profile is a JSON file shaped like the
// `businesses` collection (content.Business) plus a short id and the brief
// the operator would type. Errors name the file and the field, because the
// people editing these files are prompt authors, not Go programmers.
package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // the photo formats a profile may carry
	_ "image/png"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/rekan/rekan/eval/content"
)

// MaxProfilePhotoBytes bounds a test profile's photo file (an upload has
// content.MaxPhotoBytes): test photos are meant to be small, already at the
// size the server sends the model (content.Photo).
const MaxProfilePhotoBytes = 1 << 20

// Profile is one test business with the brief to generate for, and the
// client's photos when the brief is about them.
type Profile struct {
	ID    string `json:"id"`
	Brief string `json:"brief"`
	// Photos are JPEG or PNG files relative to the profile's directory
	// (at most content.MaxPhotos), sent with the brief as the server sends
	// an operator's uploads.
	Photos []string `json:"photos,omitempty"`
	// PhotoData holds the files of Photos, read by LoadFile.
	PhotoData []content.Photo `json:"-"`
	content.Business
}

// FieldError says which field of which file is wrong.
type FieldError struct {
	File  string
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("profile %s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("profile %s: field %q: %s", e.File, e.Field, e.Msg)
}

// ErrUnknownProfile is returned by Select for a name no profile has.
var ErrUnknownProfile = errors.New("unknown profile")

var (
	idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// The 27 federative units; the server validates `state` the same way.
	states = map[string]bool{
		"AC": true, "AL": true, "AP": true, "AM": true, "BA": true, "CE": true, "DF": true,
		"ES": true, "GO": true, "MA": true, "MT": true, "MS": true, "MG": true, "PA": true,
		"PB": true, "PR": true, "PE": true, "PI": true, "RJ": true, "RN": true, "RS": true,
		"RO": true, "RR": true, "SC": true, "SP": true, "SE": true, "TO": true,
	}
)

// LoadDir loads every *.json file of dir, sorted by id. It fails on the
// first file that does not parse or validate, and on duplicate ids.
func LoadDir(dir string) ([]Profile, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list profiles in %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no profiles (*.json) in %s", dir)
	}
	sort.Strings(paths)
	list := make([]Profile, 0, len(paths))
	seen := make(map[string]string, len(paths))
	for _, path := range paths {
		p, err := LoadFile(path)
		if err != nil {
			return nil, err
		}
		if other, dup := seen[p.ID]; dup {
			return nil, &FieldError{File: path, Field: "id", Msg: fmt.Sprintf("%q is already used by %s", p.ID, other)}
		}
		seen[p.ID] = path
		list = append(list, p)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list, nil
}

// LoadFile reads and validates one profile file and its photos.
func LoadFile(path string) (Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Profile{}, fmt.Errorf("read profile: %w", err)
	}
	p, err := Parse(path, data)
	if err != nil {
		return Profile{}, err
	}
	if p.PhotoData, err = readPhotos(path, p.Photos); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// readPhotos reads each photo relative to the profile file and checks that
// it is a JPEG or PNG that decodes and is small enough.
func readPhotos(profilePath string, names []string) ([]content.Photo, error) {
	out := make([]content.Photo, 0, len(names))
	for i, name := range names {
		field := fmt.Sprintf("photos[%d]", i)
		data, err := os.ReadFile(filepath.Join(filepath.Dir(profilePath), filepath.FromSlash(name)))
		if err != nil {
			return nil, &FieldError{File: profilePath, Field: field, Msg: err.Error()}
		}
		if len(data) > MaxProfilePhotoBytes {
			return nil, &FieldError{File: profilePath, Field: field, Msg: fmt.Sprintf("%s has %d bytes, the limit is %d: scale it down", name, len(data), MaxProfilePhotoBytes)}
		}
		mediaType := http.DetectContentType(data)
		if mediaType != "image/jpeg" && mediaType != "image/png" {
			return nil, &FieldError{File: profilePath, Field: field, Msg: fmt.Sprintf("%s is %s, want a JPEG or PNG", name, mediaType)}
		}
		if _, _, err := image.DecodeConfig(bytes.NewReader(data)); err != nil {
			return nil, &FieldError{File: profilePath, Field: field, Msg: fmt.Sprintf("%s does not decode: %v", name, err)}
		}
		out = append(out, content.Photo{MediaType: mediaType, Data: data})
	}
	return out, nil
}

// Parse decodes and validates a profile; name is only used in errors and to
// check that the id matches the file name.
func Parse(name string, data []byte) (Profile, error) {
	var p Profile
	dec := json.NewDecoder(bytes.NewReader(data))
	// A misspelt field would silently vanish from the prompt otherwise.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Profile{}, decodeError(name, data, err)
	}
	if dec.More() {
		return Profile{}, &FieldError{File: name, Msg: "trailing data after the JSON object"}
	}
	if err := p.validate(name); err != nil {
		return Profile{}, err
	}
	return p, nil
}

func decodeError(name string, data []byte, err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		line, col := position(data, syntax.Offset)
		return &FieldError{File: name, Msg: fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, syntax)}
	case errors.As(err, &typeErr):
		field := strings.TrimPrefix(typeErr.Field, "Business.")
		return &FieldError{File: name, Field: field, Msg: fmt.Sprintf("must be %s, got %s", jsonKind(typeErr.Type.Kind()), typeErr.Value)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &FieldError{File: name, Field: field, Msg: "unknown field"}
	case errors.Is(err, io.EOF):
		return &FieldError{File: name, Msg: "empty file"}
	default:
		return &FieldError{File: name, Msg: fmt.Sprintf("invalid JSON: %v", err)}
	}
}

func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Bool:
		return "true or false"
	default:
		return k.String()
	}
}

func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func (p Profile) validate(name string) error {
	var errs []error
	bad := func(field, msg string) {
		errs = append(errs, &FieldError{File: name, Field: field, Msg: msg})
	}
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }

	switch stem := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)); {
	case blank(p.ID):
		bad("id", "is required")
	case !idPattern.MatchString(p.ID):
		bad("id", "must be lowercase letters, digits and dashes")
	case filepath.Ext(name) == ".json" && stem != p.ID:
		bad("id", fmt.Sprintf("%q must match the file name %q", p.ID, stem))
	}
	if blank(p.Brief) {
		bad("brief", "is required")
	} else if n := utf8.RuneCountInString(p.Brief); n > content.MaxBriefRunes {
		bad("brief", fmt.Sprintf("has %d characters, the limit is %d", n, content.MaxBriefRunes))
	}
	if blank(p.Name) {
		bad("name", "is required")
	}
	if blank(p.Segment) {
		bad("segment", "is required")
	}
	if blank(p.City) {
		bad("city", "is required")
	}
	if !states[p.State] {
		bad("state", fmt.Sprintf("%q is not a Brazilian state code (UF, e.g. SP)", p.State))
	}
	if len(p.Services) == 0 {
		bad("services", "needs at least one service")
	}
	for i, s := range p.Services {
		if blank(s.Name) {
			bad(fmt.Sprintf("services[%d].name", i), "is required")
		}
		if s.PriceBRL != nil && *s.PriceBRL < 0 {
			bad(fmt.Sprintf("services[%d].price_brl", i), "must not be negative")
		}
	}
	if len(p.Facts) == 0 {
		bad("facts", "needs at least one distinctive fact")
	}
	if len(p.Photos) > content.MaxPhotos {
		bad("photos", fmt.Sprintf("has %d photos, the limit is %d", len(p.Photos), content.MaxPhotos))
	}
	for i, name := range p.Photos {
		clean := path.Clean(name)
		if blank(name) || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			bad(fmt.Sprintf("photos[%d]", i), "must be a path inside the profile's directory, e.g. photos/x.jpg")
		}
	}
	for i, f := range p.Facts {
		if blank(f) {
			bad(fmt.Sprintf("facts[%d]", i), "is empty")
		}
	}
	return errors.Join(errs...)
}

// Select returns the profiles whose ids are in names, in the given order;
// with no names it returns all of them.
func Select(all []Profile, names ...string) ([]Profile, error) {
	if len(names) == 0 {
		return all, nil
	}
	byID := make(map[string]Profile, len(all))
	ids := make([]string, 0, len(all))
	for _, p := range all {
		byID[p.ID] = p
		ids = append(ids, p.ID)
	}
	picked := make([]Profile, 0, len(names))
	for _, name := range names {
		p, ok := byID[name]
		if !ok {
			return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownProfile, name, strings.Join(ids, ", "))
		}
		picked = append(picked, p)
	}
	return picked, nil
}

// FindDir locates the profiles directory from start upwards: eval/testdata
// from the repository root or below it, testdata beside the eval module's
// go.mod from inside the module (whatever its directory is called).
func FindDir(start string) (string, error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", fmt.Errorf("find profiles: %w", err)
	}
	for {
		if isDir(filepath.Join(dir, "eval", "testdata")) {
			return filepath.Join(dir, "eval", "testdata"), nil
		}
		if isEvalModule(dir) && isDir(filepath.Join(dir, "testdata")) {
			return filepath.Join(dir, "testdata"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("find profiles: no eval/testdata above %s (use --profiles DIR): %w", start, fs.ErrNotExist)
		}
		dir = parent
	}
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

func isEvalModule(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(first) == "module "+modulePath
}

const modulePath = "github.com/rekan/rekan/eval"
