package org.implicitlayers.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;

/** The house style of figures: fonts, colours of series, white backgrounds, thin dark axes. */
final class Style {
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Color AXIS = new Color(0x33, 0x33, 0x33);
    static final Color GRID = new Color(0xe4, 0xe4, 0xe4);

    /** matplotlib's tab10 qualitative colours. */
    static final Color[] SERIES = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0x2ca02c),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x8c564b),
        new Color(0xe377c2),
        new Color(0x7f7f7f),
        new Color(0xbcbd22),
        new Color(0x17becf)
    };

    private Style() {}

    static void axis(ValueAxis a) {
        a.setLabelFont(LABEL);
        a.setTickLabelFont(TICKS);
        a.setAxisLinePaint(AXIS);
        a.setTickMarkPaint(AXIS);
        a.setTickLabelPaint(AXIS);
        a.setLabelPaint(AXIS);
        a.setAxisLineStroke(new BasicStroke(1f));
        a.setTickMarkOutsideLength(4f);
        a.setMinorTickMarksVisible(true);
    }

    static void plot(XYPlot p, boolean gridLines) {
        p.setBackgroundPaint(Color.WHITE);
        p.setOutlinePaint(AXIS);
        p.setDomainGridlinesVisible(gridLines);
        p.setRangeGridlinesVisible(gridLines);
        p.setDomainGridlinePaint(GRID);
        p.setRangeGridlinePaint(GRID);
        p.setDomainGridlineStroke(new BasicStroke(0.8f));
        p.setRangeGridlineStroke(new BasicStroke(0.8f));
        p.setAxisOffset(RectangleInsets.ZERO_INSETS);
    }

    static JFreeChart chart(String title, XYPlot plot, boolean legend) {
        JFreeChart c = new JFreeChart(title, TITLE, plot, legend);
        c.setBackgroundPaint(Color.WHITE);
        c.setPadding(new RectangleInsets(6, 6, 6, 10));
        TextTitle t = c.getTitle();
        if (t != null) {
            t.setPaint(AXIS);
            t.setMargin(0, 0, 6, 0);
        }
        LegendTitle l = c.getLegend();
        if (l != null) {
            l.setItemFont(LABEL);
            l.setFrame(org.jfree.chart.block.BlockBorder.NONE);
            l.setBackgroundPaint(Color.WHITE);
        }
        return c;
    }
}
