package main

import (
	"testing"
	"time"
)

// The installment agreement states the written demand's payment period
// that the service accelerates plans by (DOSSIER_DEMAND_DAYS): the value
// serve was started with reaches the document, so what the debtor signs
// is what the plan is later rated on.
func TestAgreementStatesDemandDays(t *testing.T) {
	p := start(t, t.TempDir(), "DOSSIER_ADMIN_PASSWORD="+crashPassword, "DOSSIER_DEMAND_DAYS=5")
	token := loginAdmin(t, p.url)
	caseID := newCase(t, p.url, token, "DEMAND-1")
	status, doc := post(t, p.url+"/api/v1/cases/"+caseID+"/documents", token, map[string]any{
		"template": "installment_agreement", "lang": "zh-CN", "fields": map[string]string{
			"creditor_address": "杭州市西湖区文三路 1 号", "debtor_address": "宁波市鄞州区天童路 2 号",
			"installments": "3", "first_due_date": time.Now().AddDate(0, 1, 0).Format("2006-01-02"),
			"bank": "中国工商银行杭州分行", "account_no": "1202 0000 0000 0000"}})
	if status != 201 {
		t.Fatalf("agreement: %d %v", status, doc)
	}
	fields, _ := doc["fields"].(map[string]any)
	if fields["demand_days"] != "5" {
		t.Errorf("demand_days %v, want 5 (DOSSIER_DEMAND_DAYS)", fields["demand_days"])
	}
}
