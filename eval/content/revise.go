package content

import (
	"context"
	"fmt"
	"net/http"

	"github.com/rekan/rekan/eval/bamlapi"
)

// ReviseRequest asks for one post revised from the client's note on the
// approval page, keeping what the note does not touch.
type ReviseRequest struct {
	Business Business
	Post     Post
	// Note is the client's note, trimmed and bounded by its caller.
	Note string
}

// Reviser revises posts (ReviseFromNote). A separate interface from
// Writer: the generation seam stays as it is, and only the server's
// runtime needs both. Failures wrap the same sentinel errors as Writer.
type Reviser interface {
	RevisePost(ctx context.Context, req ReviseRequest) (Result, error)
}

var _ Reviser = (*HTTPWriter)(nil)

// RevisePost calls ReviseFromNote; the result holds one post with the
// original's role.
func (w *HTTPWriter) RevisePost(ctx context.Context, req ReviseRequest) (Result, error) {
	if req.Note == "" || req.Post.Caption == "" {
		return Result{}, fmt.Errorf("revise post: %w: empty note or caption", ErrInvalidRequest)
	}
	if w.rt == nil || !w.rt.Running() {
		return Result{}, fmt.Errorf("revise post: %w: not running (starting or restarting)", ErrRuntimeUnavailable)
	}
	client, err := bamlapi.NewClientWithResponses(w.rt.BaseURL(),
		bamlapi.WithHTTPClient(w.http),
		bamlapi.WithRequestEditorFn(w.rt.Authorize))
	if err != nil {
		return Result{}, fmt.Errorf("revise post: %w: %v", ErrRuntimeUnavailable, err)
	}
	body := bamlapi.ReviseFromNoteJSONRequestBody{
		Business: toAPIBusiness(req.Business),
		Post: bamlapi.CurrentPost{
			Role:           string(req.Post.Role),
			Caption:        req.Post.Caption,
			Hashtags:       nonNil(req.Post.Hashtags),
			ProductionNote: req.Post.ProductionNote,
		},
		Note:                            req.Note,
		UnderscoreUnderscoreBamlOptions: w.body(Request{}).UnderscoreUnderscoreBamlOptions,
	}
	resp, err := client.ReviseFromNoteWithResponse(ctx, body)
	if err != nil {
		return Result{}, fmt.Errorf("revise post: %w", TransportError(ctx, err))
	}
	if resp.StatusCode() != http.StatusOK {
		return Result{}, fmt.Errorf("revise post: %w", RuntimeError(resp.StatusCode(), resp.Body, "Post", w.provider.Secrets()))
	}
	if resp.JSON200 == nil {
		return Result{}, fmt.Errorf("revise post: %w: runtime answered 200 without a post", ErrInvalidOutput)
	}
	role := req.Post.Role
	if !role.Valid() {
		role = RoleProduct
	}
	posts, err := normalise([]bamlapi.Post{*resp.JSON200}, []Role{role})
	if err != nil {
		return Result{}, fmt.Errorf("revise post: %w", err)
	}
	posts[0].Role = role
	return Result{Posts: posts, Model: w.provider.WriterModel}, nil
}
