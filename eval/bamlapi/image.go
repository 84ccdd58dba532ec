package bamlapi

// BamlImage is BAML's image argument in the base64 form of the spec's
// BamlImage (the URL form is never used: the provider would fetch it).
// Declared here because oapi-codegen.yaml excludes the generated union,
// which would pull in oapi-codegen's runtime module for one type.
type BamlImage struct {
	Base64    string `json:"base64"`
	MediaType string `json:"media_type"`
}
