package routes

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rekan/rekan/api/internal/errcode"
	"github.com/rekan/rekan/api/internal/post"
)

const msgNoPhoto = "Envie ao menos uma foto."

// addPhotos adds photos to one post (multipart parts "photos"): they are
// stored once on its request and selected by this post only. Removing and
// reordering is a PATCH of the post's photos (names) through the records API.
func (h *handler) addPhotos(e *core.RequestEvent, id string) error {
	// Before the body: photos are not decoded for someone else's post.
	if _, _, err := findOwnedPost(e.App, id, e.Auth.Id); err != nil {
		return e.NotFoundError(msgPostNotFound, nil)
	}
	if !isMultipart(e.Request) {
		return e.BadRequestError(msgBadBody, nil)
	}
	photos, err := bindPhotos(e)
	if err != nil {
		return err
	}
	if len(photos) == 0 {
		return post.PhotoError(e, msgNoPhoto)
	}
	p, err := post.AddPhotos(e.App, id, photos)
	switch {
	case errors.Is(err, post.ErrNotFound):
		return e.NotFoundError(msgPostNotFound, nil)
	case errors.Is(err, post.ErrGenerating):
		return &router.ApiError{Status: http.StatusConflict, Message: post.MsgEditWhileGenerating, Data: map[string]any{"code": errcode.PostGenerating}}
	case errors.Is(err, post.ErrTooManyPhotos):
		return post.PhotoError(e, post.MsgTooManyPhotos)
	case err != nil:
		return e.InternalServerError("Não foi possível guardar as fotos.", err)
	}
	return e.JSON(http.StatusOK, postResponse{Post: withRequest(e.App, []*core.Record{p}, nil)[0]})
}
