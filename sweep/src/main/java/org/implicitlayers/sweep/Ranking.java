package org.implicitlayers.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The best runs of a sweep by one metric. */
public final class Ranking {
    private Ranking() {}

    /**
     * The rows of ok runs that have {@code metric}, best first (smallest when {@code minimize}); at
     * most {@code k}. Ties keep the sweep's order.
     */
    public static List<Object[]> best(ResultTable table, String metric, boolean minimize, int k) {
        int m = table.column(metric);
        if (m < 0 || !table.metrics().contains(metric)) {
            throw new IllegalArgumentException(
                    "metric '"
                            + metric
                            + "': no run reports it; the runs report "
                            + table.metrics());
        }
        int status = table.column("status");
        List<Object[]> ok = new ArrayList<>();
        for (Object[] row : table.rows()) {
            if (RunStatus.OK.label().equals(row[status]) && row[m] != null) {
                ok.add(row);
            }
        }
        Comparator<Object[]> c = Comparator.comparingDouble(r -> (Double) r[m]);
        ok.sort(minimize ? c : c.reversed());
        return ok.subList(0, Math.min(k, ok.size()));
    }
}
