package httpapi

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openapiDoc is the OpenAPI 3 contract, kept in step with the route table by
// TestOpenAPIMatchesRoutes.
//
//go:embed openapi.json
var openapiDoc []byte

// OpenAPI returns the embedded document.
func OpenAPI() []byte { return openapiDoc }

func (s *Server) openapi(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, openapiDoc)
}
