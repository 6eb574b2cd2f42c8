package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
)

func (s *Server) createCase(c echo.Context) error {
	if err := needActor(c); err != nil {
		return err
	}
	var in dossier.Case
	if err := decode(c, &in); err != nil {
		return err
	}
	out, err := s.Cases.Create(c.Request().Context(), actor(c), &in)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, out)
}

func (s *Server) listCases(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	within, near, err := limitationWithin(c)
	if err != nil {
		return err
	}
	f := casefile.Filter{Bucket: c.QueryParam("bucket"), Stage: c.QueryParam("stage"), Q: c.QueryParam("q"), Page: p}
	var items []*dossier.Case
	var total int
	var next string
	if near {
		// Deadlines are computed, not stored: recovery filters and pages them.
		items, total, next, err = s.Recovery.NearDeadline(c.Request().Context(), actor(c), f, within)
	} else {
		items, total, next, err = s.Cases.List(c.Request().Context(), actor(c), f)
	}
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, List[*dossier.Case]{Items: items, Total: total, Next: next})
}

func (s *Server) getCase(c echo.Context) error {
	out, err := s.Cases.Get(c.Request().Context(), actor(c), c.Param("case_id"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, out)
}

func (s *Server) updateCase(c echo.Context) error {
	if err := needActor(c); err != nil {
		return err
	}
	var p dossier.CasePatch
	if err := decodePatch(c, &p); err != nil {
		return err
	}
	out, err := s.Cases.Update(c.Request().Context(), actor(c), c.Param("case_id"), &p)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, out)
}

func (s *Server) addCommunication(c echo.Context) error {
	if err := needActor(c); err != nil {
		return err
	}
	var in dossier.Communication
	if err := decode(c, &in); err != nil {
		return err
	}
	out, err := s.Cases.AddCommunication(c.Request().Context(), actor(c), c.Param("case_id"), &in)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, out)
}

func (s *Server) listCommunications(c echo.Context) error {
	items, err := s.Cases.Communications(c.Request().Context(), actor(c), c.Param("case_id"))
	if err != nil {
		return err
	}
	return writePage(c, items)
}
