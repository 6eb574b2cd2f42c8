package evidence

import (
	"strconv"
	"strings"

	"github.com/dossier/dossier/internal/dossier"
)

// ParseVersion reads a version number as a URL carries it (the API's
// .../versions/{n}/content, the web preview's ?v=): a plain decimal from 1,
// without sign or leading zero ("+1" and "01" were version 1). Anything
// else names no version: ENOTFOUND, as an unknown ID is. "" (the current
// version's URL) is 0.
func ParseVersion(p string) (int, error) {
	if p == "" {
		return 0, nil
	}
	if p[0] < '1' || p[0] > '9' || strings.TrimLeft(p, "0123456789") != "" {
		return 0, dossier.NotFound("version")
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return 0, dossier.NotFound("version")
	}
	return n, nil
}
