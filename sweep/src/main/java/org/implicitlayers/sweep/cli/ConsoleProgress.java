package org.implicitlayers.sweep.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.implicitlayers.sweep.SweepRunner;

/**
 * Sweep progress on the console: runs done, failed and left, elapsed and estimated remaining time.
 * On a terminal one line is rewritten in place; otherwise (a log file) each change is a line.
 */
final class ConsoleProgress implements SweepRunner.Listener {
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private boolean open;

    ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void onProgress(SweepRunner.Progress p) {
        int finished = p.skipped() + p.done();
        String line =
                String.format(
                        Locale.ROOT,
                        "[%d/%d] done %d, failed %d, left %d%s; elapsed %s, remaining %s",
                        finished,
                        p.total(),
                        p.done(),
                        p.failed(),
                        p.left(),
                        p.skipped() > 0 ? " (" + p.skipped() + " finished before)" : "",
                        clock(p.elapsedSeconds()),
                        Double.isNaN(p.remainingSeconds())
                                ? "?"
                                : "~" + clock(p.remainingSeconds()));
        if (terminal) {
            out.print("\r" + line + "\033[K");
            open = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the in-place line. */
    synchronized void finish() {
        if (open) {
            out.println();
            open = false;
        }
    }

    /** "1:05:09", "4:07" or "0:12". */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
