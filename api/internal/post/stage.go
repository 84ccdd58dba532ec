package post

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/clock"
)

// Stages of a post's journey with the client, apart from its generation
// status: a ready post starts as a draft (rascunho).
const (
	StageDraft     = "rascunho"
	StageSent      = "enviado"
	StageApproved  = "aprovado"
	StageChanges   = "ajuste"
	StagePublished = "publicado"
	StageArchived  = "arquivado"
)

// Stages lists every stage in journey order.
var Stages = []string{StageDraft, StageSent, StageApproved, StageChanges, StagePublished, StageArchived}

// EventsCollection records every stage move: the approval history and what
// "desfazer" undoes.
const EventsCollection = "post_events"

// ActorKind says who moved a stage.
type ActorKind string

// Actor kinds.
const (
	ActorOperator ActorKind = "operator"
	ActorClient   ActorKind = "client"
	ActorServer   ActorKind = "server"
)

// ViaWhatsApp marks a client's decision the operator recorded by hand: the
// client said it elsewhere, and the history keeps that.
const ViaWhatsApp = "whatsapp"

// Actor is who moves a stage. Name is the person (the client's name, the
// operator's email); Via is set when an operator records a decision the
// client gave elsewhere.
type Actor struct {
	Kind ActorKind
	Name string
	Via  string
}

// Operator is the actor for an operator's own move.
func Operator(name string) Actor { return Actor{Kind: ActorOperator, Name: name} }

// Server is the actor for the server's own moves (an approval sent, a
// revision).
var Server = Actor{Kind: ActorServer}

// transitions is the one table of allowed moves: from stage, to stage, who
// may make it. An operator records a client's decision given elsewhere
// (aprovado/ajuste pelo WhatsApp), publishes, archives; the client decides
// on a sent post; the server sends (an approval created) and puts a revised
// post back to draft.
var transitions = map[string]map[string][]ActorKind{
	StageDraft: {
		StageSent:      {ActorServer},
		StageApproved:  {ActorOperator},
		StageChanges:   {ActorOperator},
		StagePublished: {ActorOperator},
		StageArchived:  {ActorOperator},
	},
	StageSent: {
		StageDraft:    {ActorServer},
		StageApproved: {ActorClient, ActorOperator},
		StageChanges:  {ActorClient, ActorOperator},
		StageArchived: {ActorOperator},
	},
	StageApproved: {
		StageDraft:     {ActorServer},
		StagePublished: {ActorOperator},
		StageArchived:  {ActorOperator},
	},
	StageChanges: {
		StageDraft:    {ActorServer},
		StageArchived: {ActorOperator},
	},
	StagePublished: {
		StageArchived: {ActorOperator},
	},
	StageArchived: {
		StageDraft: {ActorOperator},
	},
}

// Messages of refused moves, for the operator.
const (
	MsgStageUnknown    = "Etapa desconhecida."
	MsgStageSame       = "O post já está nesta etapa."
	MsgStageNotReady   = "O post ainda não está pronto: só um post gerado muda de etapa."
	MsgStageNotAllowed = "Não é possível mudar o post de %s para %s."
	MsgStageServerOnly = "Só o sistema muda o post de %s para %s."
	MsgNothingToUndo   = "Não há mudança de etapa sua para desfazer neste post."
	MsgNoteTooLong     = "A observação pode ter no máximo 1000 caracteres."
)

// MaxNoteRunes bounds the note of a stage move.
const MaxNoteRunes = 1000

// StageLabels are the stages as the operator reads them, lower case (they
// go inside sentences); the web app capitalises them (facts.gen.ts).
var StageLabels = map[string]string{
	StageDraft:     "rascunho",
	StageSent:      "enviado ao cliente",
	StageApproved:  "aprovado",
	StageChanges:   "ajuste pedido",
	StagePublished: "publicado",
	StageArchived:  "arquivado",
}

// RefusedError is a move the rules refuse; Message is for the operator.
type RefusedError struct{ Message string }

func (e *RefusedError) Error() string { return "stage move refused: " + e.Message }

func refused(format string, args ...any) error {
	return &RefusedError{Message: fmt.Sprintf(format, args...)}
}

// ErrNotFound is returned for a post that does not exist.
var ErrNotFound = errors.New("post not found")

// Allowed reports whether by may move a post from one stage to another.
func Allowed(from, to string, by ActorKind) bool {
	for _, kind := range transitions[from][to] {
		if kind == by {
			return true
		}
	}
	return false
}

// MoveStage moves a post to stage `to` on behalf of by, with an optional
// note, and records the move; a move the table refuses returns a
// *RefusedError and changes nothing. Publishing a post without a date
// dates it today (the instance's date).
func MoveStage(app core.App, postID, to string, by Actor, note string) error {
	if _, ok := StageLabels[to]; !ok {
		return refused(MsgStageUnknown)
	}
	if len([]rune(note)) > MaxNoteRunes {
		return refused(MsgNoteTooLong)
	}
	defer lockPosts(postID)()
	return app.RunInTransaction(func(tx core.App) error {
		p, err := findPost(tx, postID)
		if err != nil {
			return err
		}
		from := p.GetString("stage")
		if err := checkMove(p, from, to, by.Kind); err != nil {
			return err
		}
		if by.Kind == ActorOperator && (to == StageApproved || to == StageChanges) && by.Via == "" {
			// The operator is not the client: the decision came from elsewhere.
			by.Via = ViaWhatsApp
		}
		return move(tx, p, from, to, by, note, false)
	})
}

// Undo reverses the operator's own last move of a post, when the post's
// latest move is one the operator made (not an undo itself, not the
// client's or the server's) and the post is still where it left it.
func Undo(app core.App, postID string, by Actor) error {
	defer lockPosts(postID)()
	return app.RunInTransaction(func(tx core.App) error {
		p, err := findPost(tx, postID)
		if err != nil {
			return err
		}
		last, err := lastEvent(tx, postID)
		if err != nil {
			return err
		}
		if !canUndo(p, last) {
			return refused(MsgNothingToUndo)
		}
		return move(tx, p, last.GetString("to"), last.GetString("from"), by, "", true)
	})
}

// UndoableField is computed on every post the API answers (records API,
// realtime, the stage routes): whether Undo would reverse its latest
// stage move. It is read from the stored history, so "desfazer" survives a
// reload.
const UndoableField = "undoable"

// canUndo: the post's latest move (last, nil when it never moved) is one
// the operator made, not an undo itself, and the post is still where it
// left it.
func canUndo(p, last *core.Record) bool {
	return last != nil && last.GetString("actor") == string(ActorOperator) && !last.GetBool("undo") &&
		last.GetString("to") == p.GetString("stage")
}

// Undoable reports whether Undo would reverse the post's latest move.
func Undoable(app core.App, p *core.Record) (bool, error) {
	last, err := lastEvent(app, p.Id)
	if err != nil {
		return false, err
	}
	return canUndo(p, last), nil
}

// SetUndoable sets UndoableField on a post about to be answered.
func SetUndoable(app core.App, p *core.Record) error {
	undoable, err := Undoable(app, p)
	if err != nil {
		return err
	}
	p.WithCustomData(true)
	p.Set(UndoableField, undoable)
	return nil
}

func checkMove(p *core.Record, from, to string, by ActorKind) error {
	if p.GetString("status") != StatusReady {
		return refused(MsgStageNotReady)
	}
	if from == to {
		return refused(MsgStageSame)
	}
	if Allowed(from, to, by) {
		return nil
	}
	if by != ActorServer && Allowed(from, to, ActorServer) {
		return refused(MsgStageServerOnly, StageLabels[from], StageLabels[to])
	}
	return refused(MsgStageNotAllowed, StageLabels[from], StageLabels[to])
}

// move saves the new stage and its event in tx.
func move(tx core.App, p *core.Record, from, to string, by Actor, note string, undo bool) error {
	p.Set("stage", to)
	if to == StagePublished && p.GetString("publish_on") == "" {
		p.Set("publish_on", clock.Today())
	}
	if err := tx.Save(p); err != nil {
		return fmt.Errorf("save stage of post %s: %w", p.Id, err)
	}
	ev, err := newEvent(tx, p.Id, from, to, by, note, undo)
	if err != nil {
		return err
	}
	if err := tx.Save(ev); err != nil {
		return fmt.Errorf("save stage event of post %s: %w", p.Id, err)
	}
	return nil
}

// newEvent is the record of a stage move, not yet saved.
func newEvent(app core.App, postID, from, to string, by Actor, note string, undo bool) (*core.Record, error) {
	events, err := app.FindCachedCollectionByNameOrId(EventsCollection)
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", EventsCollection, err)
	}
	ev := core.NewRecord(events)
	ev.Set("post", postID)
	ev.Set("from", from)
	ev.Set("to", to)
	ev.Set("actor", string(by.Kind))
	ev.Set("actor_name", by.Name)
	ev.Set("via", by.Via)
	ev.Set("note", note)
	ev.Set("undo", undo)
	return ev, nil
}

func findPost(app core.App, id string) (*core.Record, error) {
	p, err := app.FindRecordById(Collection, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find post %s: %w", id, err)
	}
	return p, nil
}

// lastEvent is the post's latest stage move, nil when it never moved.
func lastEvent(app core.App, postID string) (*core.Record, error) {
	var events []*core.Record
	// created has millisecond precision; rowid breaks ties in insert order.
	err := app.RecordQuery(EventsCollection).
		Where(dbx.HashExp{"post": postID}).
		OrderBy("created DESC", "rowid DESC").
		Limit(1).
		All(&events)
	if err != nil {
		return nil, fmt.Errorf("last stage event of post %s: %w", postID, err)
	}
	if len(events) == 0 {
		return nil, nil
	}
	return events[0], nil
}
