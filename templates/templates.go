// Package templates embeds the court-document templates, one file per
// document and language (<id>.<lang>.tmpl). The format is described in
// internal/document/template.go; a firm can override any file by putting a
// file of the same name in the directory named by DOSSIER_TEMPLATES.
package templates

import "embed"

// FS holds the *.tmpl files.
//
//go:embed *.tmpl
var FS embed.FS
