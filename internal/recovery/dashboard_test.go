package recovery_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/recovery"
)

func dashboardRecords() map[string]*dossier.CaseRecords {
	mk := func(id, number, due string, stage dossier.Stage, currency string, principal dossier.Money) *dossier.CaseRecords {
		r := records(due, stage)
		r.Case.ID, r.Case.Number, r.Case.Currency, r.Case.Principal = id, number, currency, principal
		return r
	}
	near := mk("a", "A-1", "2023-12-10", dossier.StageNegotiation, "CNY", 100000)   // deadline 2026-12-10: 15 days
	later := mk("b", "B-1", "2024-02-01", dossier.StageLawyerLetter, "CNY", 200000) // 2027-02-01: 68 days
	gone := mk("c", "C-1", "2022-01-01", dossier.StageNegotiation, "USD", 50000)    // expired
	closed := mk("d", "D-1", "2023-12-01", dossier.StageClosed, "CNY", 300000)      // near, but closed
	plan := mk("e", "E-1", "2026-11-20", dossier.StageInstallment, "CNY", 300000)   // not overdue yet
	plan.Payments = []*dossier.Payment{pay("p1", "2026-01-30", 100000, ""), pay("p2", "2026-02-20", 50000, "")}
	plan.Plans = []*dossier.InstallmentPlan{plan3()}
	return map[string]*dossier.CaseRecords{"a": near, "b": later, "c": gone, "d": closed, "e": plan}
}

func TestBuildDashboard(t *testing.T) {
	svc := &recovery.Service{Location: shanghai, GraceDays: 5}
	d := svc.BuildDashboard(dashboardRecords(), d("2026-11-25"))
	if d.Cases != 5 || len(d.ByBucket) != 8 || len(d.ByStage) != 16 {
		t.Fatalf("cases %d, %d bucket rows, %d stage rows (want every key in CNY and USD)", d.Cases, len(d.ByBucket), len(d.ByStage))
	}
	got := map[string]recovery.Tally{}
	for _, x := range append(d.ByBucket, d.ByStage...) {
		got[x.Key+"/"+x.Currency] = x
	}
	if x := got["danger/CNY"]; x.Count != 3 || x.Amount != 600000 {
		t.Errorf("danger/CNY %+v", x)
	}
	if x := got["installment/CNY"]; x.Count != 1 || x.Paid != 150000 || x.Outstanding != 150000 {
		t.Errorf("installment/CNY %+v", x)
	}
	if x := got["normal/USD"]; x.Count != 0 || x.Amount != 0 {
		t.Errorf("normal/USD %+v", x)
	}
	ids := func(ns []recovery.NearDeadline) string {
		var s []string
		for _, n := range ns {
			s = append(s, n.Number)
		}
		return strings.Join(s, ",")
	}
	if ids(d.Within30) != "A-1" || ids(d.Within90) != "A-1,B-1" || ids(d.Expired) != "C-1" {
		t.Fatalf("deadline lists: 30 %s, 90 %s, expired %s", ids(d.Within30), ids(d.Within90), ids(d.Expired))
	}
	if d.DefaultedPlans != 1 || len(d.MissedInstallments) != 2 || d.MissedInstallments[0].N != 2 ||
		d.MissedInstallments[0].Shortfall != 50000 || d.MissedInstallments[1].N != 3 {
		t.Fatalf("missed: %d defaulted, %+v", d.DefaultedPlans, d.MissedInstallments)
	}
}

func TestWriteCSV(t *testing.T) {
	svc := &recovery.Service{Location: shanghai, GraceDays: 5}
	recs := dashboardRecords()
	recs["a"].Case.Number = "=HYPERLINK(\"http://x\")"
	recs["b"].Case.Number = "@SUM(A1)"
	var buf bytes.Buffer
	if err := recovery.WriteCSV(&buf, svc.BuildDashboard(recs, d("2026-11-25"))); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "section,key,currency,count,amount,paid,outstanding,case_id,case_number,plan_id,installment,date,days_left" {
		t.Fatalf("header changed: %v", rows[0])
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		if len(r) != len(recovery.CSVHeader) {
			t.Fatalf("row width %d: %v", len(r), r)
		}
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) {
				t.Fatalf("cell %q would run as a formula", cell)
			}
			if strings.HasPrefix(cell, "-") && strings.Trim(cell, "-0123456789.") != "" {
				t.Fatalf("cell %q would run as a formula", cell)
			}
		}
		seen[r[8]] = true
		if r[0] == "limitation_30" && (r[11] != "2026-12-10" || r[12] != "15") {
			t.Fatalf("limitation row %v", r)
		}
	}
	if !seen[`'=HYPERLINK("http://x")`] || !seen["'@SUM(A1)"] {
		t.Fatalf("escaped numbers missing: %v", seen)
	}
}
