package dossier

import "strings"

// FilenamePart makes free text (a title, a case number) one safe path
// segment: SanitizeFilename, except that path separators become "_" instead
// of cutting the text ("2026/03 对账单" → "2026_03 对账单", where
// SanitizeFilename keeps only "03 对账单"). For names built from text, not
// for file names sent by a client, whose directories must be dropped.
func FilenamePart(s string) string {
	return SanitizeFilename(strings.NewReplacer("/", "_", `\`, "_").Replace(s))
}
