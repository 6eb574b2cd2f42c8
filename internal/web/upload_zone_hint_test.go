package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"
)

// TestUploadHintNamesBeijingTime: the upload form's date hint said "按
// Asia/Shanghai 时间填写", a tz database name no Chinese lawyer writes; the
// zones of mainland China read 北京时间 (Beijing time), any other keeps its
// name.
func TestUploadHintNamesBeijingTime(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0760", "")
	b := e.client()
	b.login("admin")
	hint := regexp.MustCompile(`id="up-occurred-at-hint">([^<]*)<`)
	for _, tt := range []struct {
		name, zone, lang, want string
	}{
		{"OK/Shanghai", "Asia/Shanghai", "zh-CN", "如签收、寄出或拍摄的时间，按北京时间填写。"},
		{"OK/Chongqing", "Asia/Chongqing", "zh-CN", "如签收、寄出或拍摄的时间，按北京时间填写。"},
		{"OK/PRC", "PRC", "zh-CN", "如签收、寄出或拍摄的时间，按北京时间填写。"},
		{"OK/ShanghaiEN", "Asia/Shanghai", "en", "When it came about, e.g. when it was signed for or sent; in Beijing time."},
		{"OK/Berlin", "Europe/Berlin", "zh-CN", "如签收、寄出或拍摄的时间，按 Europe/Berlin 时间填写。"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			e.cases.Compliance.Location = loc
			path := "/cases/" + c.ID
			if r := b.post("/lang", url.Values{"csrf": {b.csrf(path)}, "lang": {tt.lang}, "back": {path}}); r.Status != http.StatusSeeOther {
				t.Fatalf("language: %d", r.Status)
			}
			m := hint.FindStringSubmatch(b.get(path).Body)
			if m == nil || m[1] != tt.want {
				t.Errorf("hint %q, want %q", m, tt.want)
			}
		})
	}
}
