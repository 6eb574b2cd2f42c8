package httpapi

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
)

func (s *Server) getLimitation(c echo.Context) error {
	out, err := s.Recovery.Limitation(c.Request().Context(), actor(c), c.Param("case_id"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, out)
}

func (s *Server) addPayment(c echo.Context) error {
	if err := needActor(c); err != nil {
		return err
	}
	var in dossier.Payment
	if err := decode(c, &in); err != nil {
		return err
	}
	out, err := s.Recovery.AddPayment(c.Request().Context(), actor(c), c.Param("case_id"), &in)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, out)
}

func (s *Server) listPayments(c echo.Context) error {
	items, err := s.Recovery.Payments(c.Request().Context(), actor(c), c.Param("case_id"))
	if err != nil {
		return err
	}
	return writePage(c, items)
}

func (s *Server) addPlan(c echo.Context) error {
	if err := needActor(c); err != nil {
		return err
	}
	var in recovery.PlanInput
	if err := decode(c, &in); err != nil {
		return err
	}
	out, err := s.Recovery.AddPlan(c.Request().Context(), actor(c), c.Param("case_id"), &in)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, out)
}

func (s *Server) listPlans(c echo.Context) error {
	items, err := s.Recovery.Plans(c.Request().Context(), actor(c), c.Param("case_id"))
	if err != nil {
		return err
	}
	return writePage(c, items)
}

func (s *Server) addFiling(c echo.Context) error {
	if err := needActor(c); err != nil {
		return err
	}
	var in dossier.Filing
	if err := decode(c, &in); err != nil {
		return err
	}
	out, err := s.Recovery.AddFiling(c.Request().Context(), actor(c), c.Param("case_id"), &in)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, out)
}

func (s *Server) listFilings(c echo.Context) error {
	items, err := s.Recovery.Filings(c.Request().Context(), actor(c), c.Param("case_id"))
	if err != nil {
		return err
	}
	return writePage(c, items)
}

// dashboard answers JSON, or the CSV layout of recovery.CSVHeader when the
// client accepts text/csv.
func (s *Server) dashboard(c echo.Context) error {
	out, err := s.Recovery.Dashboard(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	if !prefersCSV(c.Request().Header.Get(echo.HeaderAccept)) {
		return writeJSON(c, http.StatusOK, out)
	}
	var buf bytes.Buffer
	if err := recovery.WriteCSV(&buf, out); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="dashboard-`+out.AsOf.String()+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// limitationWithin reads the limitation_within filter of the case list: set
// reports whether it was given at all.
func limitationWithin(c echo.Context) (days int, set bool, err error) {
	v := c.QueryParam("limitation_within")
	if v == "" {
		return 0, false, nil
	}
	n, perr := strconv.Atoi(v)
	if perr != nil || n < 0 || n > recovery.MaxLimitationWithin {
		return 0, true, &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
			Fields: []dossier.FieldError{{Field: "limitation_within", Message: "must be a whole number of days from 0 to 3650"}}}
	}
	return n, true, nil
}
