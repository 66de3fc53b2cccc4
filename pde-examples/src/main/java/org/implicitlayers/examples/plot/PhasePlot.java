package org.implicitlayers.examples.plot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.implicitlayers.plot.Curves;
import org.implicitlayers.plot.PhasePlane;
import org.implicitlayers.plot.Png;

/** True against fitted trajectories of a 2-D system: the phase plane (equal aspect) beside both components against time. */
public final class PhasePlot {
    private PhasePlot() {
    }

    /**
     * @param t    times [n]
     * @param yt   true states, [n, 2] flattened
     * @param yf   fitted states, [n, 2] flattened
     */
    public static void write(Path png, String title, double[] t, double[] yt, double[] yf) throws IOException {
        int n = t.length;
        double[][] c = new double[4][n];
        for (int i = 0; i < n; i++) {
            c[0][i] = yt[2 * i];
            c[1][i] = yt[2 * i + 1];
            c[2][i] = yf[2 * i];
            c[3][i] = yf[2 * i + 1];
        }
        BufferedImage phase = Png.renderFitted(PhasePlane.of(title, "y1", "y2").curve("true", c[0], c[1], false)
                .curve("learned", c[2], c[3], true).chart(), 620);
        List<Curves.Series> series = List.of(Curves.Series.line("y1 true", t, c[0]).colour(0), Curves.Series.line("y1 learned", t, c[2]).colour(3),
                Curves.Series.line("y2 true", t, c[1]).colour(2), Curves.Series.line("y2 learned", t, c[3]).colour(1));
        BufferedImage time = Png.render(Curves.chart("components against time", "t", false,
                List.of(new Curves.Panel("y", Curves.Scale.LINEAR, series))), 620, phase.getHeight());
        Png.write(Png.sideBySide(List.of(phase, time)), png);
    }
}
