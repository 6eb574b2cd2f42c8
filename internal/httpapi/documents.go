package httpapi

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/document"
)

func (s *Server) listTemplates(c echo.Context) error {
	if err := needActor(c); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, s.Documents.Engine.Templates())
}

func (s *Server) createDocument(c echo.Context) error {
	if err := needActor(c); err != nil {
		return err
	}
	var req document.Request
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := s.Documents.Generate(c.Request().Context(), actor(c), c.Param("case_id"), req)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, d)
}

func (s *Server) listDocuments(c echo.Context) error {
	items, err := s.Documents.List(c.Request().Context(), actor(c), c.Param("case_id"))
	if err != nil {
		return err
	}
	return writePage(c, items)
}

func (s *Server) getDocument(c echo.Context) error {
	d, err := s.Documents.Get(c.Request().Context(), actor(c), c.Param("did"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, d)
}

func (s *Server) documentPDF(c echo.Context) error {
	d, rc, err := s.Documents.Open(c.Request().Context(), actor(c), c.Param("did"))
	if err != nil {
		return err
	}
	defer rc.Close()
	h := c.Response().Header()
	h.Set(echo.HeaderContentLength, strconv.FormatInt(d.Size, 10))
	h.Set("ETag", `"`+d.SHA256+`"`)
	h.Set("Repr-Digest", reprDigest(d.SHA256))
	disposition := "attachment"
	if c.QueryParam("inline") == "1" {
		disposition = "inline"
	}
	h.Set(echo.HeaderContentDisposition, disposition+`; filename="`+d.Template+`.`+d.Lang+`.pdf"`)
	if c.Request().Method == http.MethodHead {
		h.Set(echo.HeaderContentType, "application/pdf")
		return c.NoContent(http.StatusOK)
	}
	return c.Stream(http.StatusOK, "application/pdf", rc)
}

func (s *Server) readiness(c echo.Context) error {
	rep, err := s.Documents.Readiness(c.Request().Context(), actor(c), c.Param("case_id"), c.QueryParam("for"))
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, rep)
}
