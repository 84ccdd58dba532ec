package routes

import (
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/agenda"
)

// operatorAgenda answers GET /api/rekan/agenda?month=YYYY-MM: the posts of
// the operator's own clients by when they go out (atrasados, hoje, próximos
// 7 dias, depois), the month's posts day by day and each client's plan
// progress in that month (default: the current one).
func (h *handler) operatorAgenda(e *core.RequestEvent) error {
	today := h.today()
	month := agenda.MonthOf(today)
	if raw := e.Request.URL.Query().Get("month"); raw != "" {
		m, ok := agenda.ParseMonth(raw)
		if !ok {
			return e.BadRequestError(msgInvalidData, validation.Errors{
				"month": validation.NewError("validation_invalid_month", "Mês inválido: use AAAA-MM."),
			})
		}
		month = m
	}
	week, err := agenda.ForOperator(e.App, e.Auth.Id, today, month)
	if err != nil {
		return e.InternalServerError("Não foi possível ler a agenda.", err)
	}
	return e.JSON(http.StatusOK, week)
}
