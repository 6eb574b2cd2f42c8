package audit

import (
	"encoding/csv"
	"io"
	"iter"
	"strconv"

	"github.com/dossier/dossier/internal/dossier"
)

// CSVHeader is the header row of the CSV export: the API.md event fields in
// API.md order, then user_agent and request_id, so an exported row holds every
// hashed field and a chain can be rechecked from the file alone.
var CSVHeader = []string{"seq", "at", "actor", "role", "action", "object_type", "object_id", "case_id",
	"ip", "status", "outcome", "detail", "hash", "prev_hash", "user_agent", "request_id"}

// CSVWriter streams events as CSV. Its Write fits ScanEvents directly:
//
//	cw, err := audit.NewCSVWriter(w)
//	err = store.ScanEvents(ctx, 0, cw.Write)
//	err = cw.Flush()
type CSVWriter struct {
	w   *csv.Writer
	row []string
}

// NewCSVWriter writes the header row and returns a writer for events.
func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	cw := &CSVWriter{w: csv.NewWriter(w), row: make([]string, len(CSVHeader))}
	return cw, cw.w.Write(CSVHeader)
}

// Write adds one event. Text cells that a spreadsheet would take for a
// formula (starting with = + - @, tab or carriage return) get a leading
// apostrophe: actor names, user agents and details come from outside. So
// do cells starting with an apostrophe, so that the escape can be undone:
// a cell starting with ' had one added, and without it is the value hashed.
func (cw *CSVWriter) Write(e *dossier.Event) error {
	r := cw.row
	r[0] = strconv.FormatInt(e.Seq, 10)
	r[1] = e.At.UTC().Format(TimeLayout)
	r[2] = cell(e.Actor)
	r[3] = cell(e.Role)
	r[4] = cell(e.Action)
	r[5] = cell(e.ObjectType)
	r[6] = cell(e.ObjectID)
	r[7] = cell(e.CaseID)
	r[8] = cell(e.IP)
	r[9] = strconv.Itoa(e.Status)
	r[10] = cell(e.Outcome)
	r[11] = cell(e.Detail)
	r[12] = cell(e.Hash)
	r[13] = cell(e.PrevHash)
	r[14] = cell(e.UserAgent)
	r[15] = cell(e.RequestID)
	return cw.w.Write(r)
}

// Flush writes buffered rows and reports any write error.
func (cw *CSVWriter) Flush() error {
	cw.w.Flush()
	return cw.w.Error()
}

// WriteCSV writes the header and every event of evs, stopping at the first
// error from the sequence or the writer.
func WriteCSV(w io.Writer, evs iter.Seq2[*dossier.Event, error]) error {
	cw, err := NewCSVWriter(w)
	if err != nil {
		return err
	}
	for e, err := range evs {
		if err != nil {
			return err
		}
		if err := cw.Write(e); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// cell defuses CSV formula injection (OWASP): the apostrophe makes
// spreadsheets show the text instead of evaluating it. A value that starts
// with an apostrophe gets one more, or "'-1" and "-1" would export alike and
// a row could not be rechecked against its hash.
func cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return "'" + s
	}
	return s
}
