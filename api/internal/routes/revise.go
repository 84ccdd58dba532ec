package routes

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rekan/rekan/api/internal/approval"
	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

const msgNoChangeRequest = "O cliente não pediu ajuste nesta versão do post."

// revise rewrites a post from the client's note ("Refazer com o pedido do
// cliente"): the LLM keeps what the note does not touch, the post becomes
// a draft to send again. Guarded like retry (ownership, 409 while
// generating, the drain) and failing with the same shapes.
func (h *handler) revise(e *core.RequestEvent, id string) error {
	p, biz, err := findOwnedPost(e.App, id, e.Auth.Id)
	if err != nil {
		return e.NotFoundError(msgPostNotFound, nil)
	}
	note, err := approval.ChangeRequest(e.App, p)
	if errors.Is(err, approval.ErrNoChangeRequest) {
		return &router.ApiError{Status: http.StatusBadRequest, Message: msgNoChangeRequest, Data: map[string]any{"code": "no_change_request"}}
	}
	if err != nil {
		return e.InternalServerError("Não foi possível ler o pedido do cliente.", err)
	}
	reviser, ok := h.deps.Content.(content.Reviser)
	if !ok {
		return h.fail(e, []*core.Record{p}, fmt.Errorf("content has no reviser: %w", content.ErrRuntimeUnavailable))
	}
	original := post.ToContent(p)
	recent, err := post.RecentOf(e.App, biz.Id, p.Id)
	if err != nil {
		return e.InternalServerError(msgRecentPosts, err)
	}
	p, err = beginRegeneration(e, p.Id)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(context.WithoutCancel(e.Request.Context()), h.deps.Timeout)
	defer cancel()
	profile := business.Profile(biz)
	result, err := reviser.RevisePost(ctx, content.ReviseRequest{Business: profile, Post: original, Note: note})
	if err == nil && len(result.Posts) == 0 {
		err = fmt.Errorf("reviser returned no post: %w", content.ErrInvalidOutput)
	}
	if err != nil {
		return h.fail(e, []*core.Record{p}, err)
	}
	revised := withRole(result.Posts[0], original.Role)
	checked := checks.RunRequest(checks.Context{Business: profile, Brief: p.GetString("brief"), PreviousHooks: recent.Hooks}, []content.Post{revised})
	settled, err := post.Complete(e.App, []*core.Record{p}, []content.Post{revised}, result.Model, checked)
	if err != nil {
		return h.fail(e, []*core.Record{p}, fmt.Errorf("store revised post: %w", err))
	}
	if len(settled) == 0 {
		return &router.ApiError{Status: http.StatusNotFound, Message: post.MsgDeletedWhileWriting, Data: map[string]any{"code": "post_deleted"}}
	}
	// Complete kept the version the client saw and made the post a draft
	// until it is sent again.
	return e.JSON(http.StatusOK, postsResponse{Posts: settled})
}
