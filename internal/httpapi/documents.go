package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/document"
	"github.com/dossier/dossier/internal/dossier"
)

// documentRequest is document.Request as a client may send it: a template
// field whose type is "int" or "money" (GET /api/v1/templates) may be a
// JSON number as well as a string.
type documentRequest struct {
	Template string                `json:"template"`
	Lang     string                `json:"lang"`
	Fields   map[string]fieldValue `json:"fields"`
}

// fieldValue is a template field's value: a string, or a number taken as
// the digits it was written with (386500.00 stays 386500.00, never a float
// rounded on the way), which the template's own check then reads as it
// reads a string.
type fieldValue string

func (v *fieldValue) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*v = fieldValue(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("must be a string, or a number for an int or money field")
	}
	*v = fieldValue(s)
	return nil
}

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
	var in documentRequest
	if err := decode(c, &in); err != nil {
		// A template field is named as the template's checks name it
		// ("deadline_days", not "fields.deadline_days"): one name for one
		// field, whichever check refused it.
		var de *dossier.Error
		if errors.As(err, &de) {
			for i := range de.Fields {
				de.Fields[i].Field = strings.TrimPrefix(de.Fields[i].Field, "fields.")
			}
		}
		return err
	}
	req := document.Request{Template: in.Template, Lang: in.Lang}
	if in.Fields != nil {
		req.Fields = make(map[string]string, len(in.Fields))
		for k, v := range in.Fields {
			req.Fields[k] = string(v)
		}
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
