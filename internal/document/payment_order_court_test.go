package document

import "testing"

// TestPaymentOrderCourtAsWritten: the English application is addressed in
// English, and courts are written as their own sites and word processors
// write them: "People’s" with a typographic apostrophe, "High People's
// Court" (北京市高级人民法院's own English), the intermediate-level courts of
// special jurisdiction by their English names, and 中院 or 高院 for short.
// Each of these passed the basic-level check, which knew only the Chinese
// names and a straight apostrophe, and was printed under 此致 / To.
func TestPaymentOrderCourtAsWritten(t *testing.T) {
	for _, court := range []string{
		"Hangzhou Intermediate People’s Court", "Zhejiang Higher People’s Court", "Beijing High People's Court",
		"the Supreme People’s Court", "Shanghai Railway Transport Intermediate Court",
		"Beijing Intellectual Property Court", "Shanghai Financial Court", "杭州中院", "浙江高院",
	} {
		for _, lang := range []string{"zh-CN", "en"} {
			t.Run("Err"+court+"."+lang, func(t *testing.T) {
				onlyField(t, renderPaymentOrder(t, lang, testCase(), map[string]string{"court": court}), "court", "basic-level")
			})
		}
	}
	t.Run("OK", func(t *testing.T) {
		for _, court := range []string{"Xihu District People’s Court of Hangzhou", "Shanghai Railway Transport Court",
			"Hangzhou Internet Court", "Shanghai Maritime Court", "济南市市中区人民法院", "西安市高陵区人民法院"} {
			if err := renderPaymentOrder(t, "en", testCase(), map[string]string{"court": court}); err != nil {
				t.Errorf("%s: %v", court, err)
			}
		}
	})
}
