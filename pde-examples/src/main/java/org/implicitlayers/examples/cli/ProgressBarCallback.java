package org.implicitlayers.examples.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;

/**
 * A console progress bar (me.tongfei:progressbar) with the loss, the last evaluation and steps per
 * second.
 */
public final class ProgressBarCallback implements TrainingCallback {
    private final PrintStream out;
    private final String task;
    private ProgressBar bar;
    private String lastEval = "";

    /** Draws on {@code out} (the CLI passes System.err, keeping stdout for results). */
    public ProgressBarCallback(PrintStream out, String task) {
        this.out = out;
        this.task = task;
    }

    /**
     * On a terminal the bar redraws in place four times a second; written to a file or a pipe (no
     * console), it prints one plain line every 10 seconds instead of flooding the log.
     */
    @Override
    public void onStart(long firstStep, long totalSteps) {
        boolean console = System.console() != null;
        bar =
                new ProgressBarBuilder()
                        .setTaskName(task)
                        .setInitialMax(totalSteps)
                        .setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(
                                console
                                        ? new ConsoleProgressBarConsumer(out, 140)
                                        : new DelegatingProgressBarConsumer(out::println, 140))
                        .showSpeed()
                        .setUnit(" it", 1)
                        .startsFrom(firstStep - 1, java.time.Duration.ZERO)
                        .setUpdateIntervalMillis(console ? 250 : 10_000)
                        .setMaxRenderedLength(140)
                        .build();
    }

    private String lastLoss = "";

    @Override
    public void onStep(Trainer.StepInfo s) {
        bar.stepTo(s.step());
        lastLoss = String.format(Locale.ROOT, " loss %.3e", s.loss());
        bar.setExtraMessage(lastLoss + lastEval);
    }

    /**
     * Shown at once: the final evaluation comes after the last step, and the bar must not end on an
     * older one.
     */
    @Override
    public void onEval(long step, Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.3e", k, v)));
        lastEval = sb.toString();
        if (bar != null) {
            bar.setExtraMessage(lastLoss + lastEval);
        }
    }

    @Override
    public void onEnd(Trainer.Result result) {
        bar.close();
    }
}
