package render

import (
	"fmt"
	"strings"

	"github.com/dossier/dossier/internal/dossier"
)

var (
	capDigits = []rune("零壹贰叁肆伍陆柒捌玖")
	// inGroup are the units of the four positions of a four-digit group,
	// highest first; the ones position has none.
	inGroup = []string{"仟", "佰", "拾", ""}
	// groups are the units written after a non-zero group, highest first.
	groups = []string{"亿", "万", ""}
)

// ChineseAmount writes m (0.01 to 999,999,999,999.99) in Chinese capital
// numerals as financial practice does: 386500.00 → 叁拾捌万陆仟伍佰元整,
// 100005.05 → 壹拾万零伍元零伍分. It carries no 人民币 prefix, so templates
// choose the currency words. The zero rule: one 零 for every run of zero
// digits lying between two non-zero digits (across 万, 亿 and 元 too:
// 10.50 → 壹拾元零伍角整), which the accounting rules allow everywhere and
// require inside a number; ten is written 壹拾, never 拾; 整 ends an amount
// without fen.
func ChineseAmount(m dossier.Money) (string, error) {
	if m <= 0 || m > dossier.MaxMoney {
		return "", fmt.Errorf("render: amount %s out of range 0.01..999999999999.99", m)
	}
	var digits [14]int // 12 integer digits, then jiao and fen
	v := int64(m)
	for i := 13; i >= 0; i-- {
		digits[i] = int(v % 10)
		v /= 10
	}
	var b strings.Builder
	seen, pendingZero := false, false
	put := func(d int, unit string) {
		if d == 0 {
			pendingZero = pendingZero || seen
			return
		}
		if pendingZero {
			b.WriteRune(capDigits[0])
			pendingZero = false
		}
		b.WriteRune(capDigits[d])
		b.WriteString(unit)
		seen = true
	}
	for g := 0; g < 3; g++ {
		nonZero := false
		for p := 0; p < 4; p++ {
			d := digits[g*4+p]
			nonZero = nonZero || d != 0
			put(d, inGroup[p])
		}
		if nonZero {
			b.WriteString(groups[g])
		}
	}
	if m.Yuan() > 0 {
		b.WriteString("元")
	}
	put(digits[12], "角")
	put(digits[13], "分")
	if digits[13] == 0 {
		b.WriteString("整")
	}
	return b.String(), nil
}

// MustChineseAmount is ChineseAmount for amounts already validated.
func MustChineseAmount(m dossier.Money) string {
	s, err := ChineseAmount(m)
	if err != nil {
		panic(err)
	}
	return s
}

// Bytes renders a size for people: 37.1 KiB, 1.5 GiB.
func Bytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
