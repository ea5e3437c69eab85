package console

import (
	"strconv"

	"marquee/storefront"
	"marquee/themes"
)

// The orders-per-day chart is an SVG as wide as its column: bars are
// placed in percentages of the width and heights in pixels, so the
// labels keep their size on a phone as on a wide screen (a viewBox would
// shrink them with the drawing).

// Chart is the orders-per-day chart: its bars, the y-axis ticks and the
// same numbers as a table.
type Chart struct {
	Bars  []Bar
	Ticks []Tick
	Total int
}

// Bar is one day of the chart. X and W are percentages of the chart's
// width ("12.5%"), Y and H pixels; the count is written above the bar,
// so the chart reads without colour. Minor days lose their date label in
// a narrow column (every third day, counted back from today, keeps it).
type Bar struct {
	X, W, Mid    string
	Y, H, LabelY int
	Day, LongDay string
	Orders       int
	Minor        bool
}

// Tick is one line across the chart at a count, Y pixels from the top.
type Tick struct {
	Y     int
	Count int
}

// The chart's geometry, in pixels from the top and percent of the width.
const (
	chartTop      = 16  // room for the tallest bar's count
	chartBase     = 176 // the x axis
	chartGutter   = 9.0 // percent of the width left of the bars, for the tick labels
	chartBarShare = 0.7 // of a day's slot
)

// ordersChart lays out orders per day: ticks at round counts up to the
// first one at or above the busiest day.
func ordersChart(days []storefront.DayCount, base themes.Page) Chart {
	c := Chart{}
	most := 0
	for _, d := range days {
		most = max(most, d.Orders)
		c.Total += d.Orders
	}
	step := tickStep(most)
	top := max(step, (most+step-1)/step*step)
	for n := 0; n <= top; n += step {
		c.Ticks = append(c.Ticks, Tick{Y: chartBase - n*(chartBase-chartTop)/top, Count: n})
	}
	slot := (100 - chartGutter) / float64(max(len(days), 1))
	for i, d := range days {
		h := d.Orders * (chartBase - chartTop) / top
		x := chartGutter + float64(i)*slot
		c.Bars = append(c.Bars, Bar{
			X: percent(x + slot*(1-chartBarShare)/2), W: percent(slot * chartBarShare), Mid: percent(x + slot/2),
			Y: chartBase - h, H: h, LabelY: chartBase - h - 4,
			Day: d.Day.Format(base.T("format.day_month")), LongDay: d.Day.Format(base.T("format.date")),
			Orders: d.Orders, Minor: (len(days)-1-i)%3 != 0,
		})
	}
	return c
}

// tickStep is the distance between ticks: 1, 2 or 5 times a power of
// ten, the smallest that draws at most four steps up to most.
func tickStep(most int) int {
	for unit := 1; ; unit *= 10 {
		for _, m := range []int{1, 2, 5} {
			if step := m * unit; most <= 4*step {
				return step
			}
		}
	}
}

func percent(x float64) string {
	return strconv.FormatFloat(float64(int(x*100+0.5))/100, 'f', -1, 64) + "%"
}

// revenueText is the event's revenue in its currency.
func revenueText(d storefront.Dashboard, currency, lang string) string {
	return storefront.FormatMoney(d.Revenue[currency], currency, lang)
}
