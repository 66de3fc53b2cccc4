package org.implicitlayers.core.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes one CSV row per step ({@code step,loss,lr,elapsed_s}) and one per evaluation ({@code
 * step,metric,value} in a second file). On resume it drops the rows of steps after the checkpoint
 * (a killed run may have logged steps that the resumed run repeats), so each step appears once; an
 * evaluation of a step already logged (a stopped run's final evaluation, repeated by the run that
 * resumes there) is not written twice.
 */
public final class CsvMetricsLog implements TrainingCallback {
    private final Path steps;
    private final Path evals;
    private final int every;
    private BufferedWriter stepOut;
    private BufferedWriter evalOut;

    /**
     * The last step seen and the last step logged: a run that ends between logged steps (stopped,
     * or a stage that converged) logs its last.
     */
    private Trainer.StepInfo lastSeen;

    private long lastLogged = -1;

    /** The last evaluated step in the file and the metrics logged for it. */
    private long lastEvalStep = -1;

    private final java.util.Set<String> lastEvalMetrics = new java.util.HashSet<>();

    /**
     * @param steps file for per-step rows
     * @param evals file for evaluation rows, or null for a run without evaluations
     * @param every log every so many steps (1: all)
     */
    public CsvMetricsLog(Path steps, Path evals, int every) {
        this.steps = steps;
        this.evals = evals;
        this.every = Math.max(1, every);
    }

    @Override
    public void onStart(long firstStep, long totalSteps) {
        try {
            stepOut = open(steps, "step,loss,lr,elapsed_s", firstStep, null);
            lastSeen = null;
            lastLogged = -1;
            lastEvalStep = -1;
            lastEvalMetrics.clear();
            evalOut =
                    evals == null ? null : open(evals, "step,metric,value", firstStep, this::kept);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Notes an evaluation row kept from a previous run. */
    private void kept(String line, long step) {
        String[] f = line.split(",", 3);
        if (f.length == 3) {
            noteEval(step, f[1]);
        }
    }

    private void noteEval(long step, String metric) {
        if (step != lastEvalStep) {
            lastEvalStep = step;
            lastEvalMetrics.clear();
        }
        lastEvalMetrics.add(metric);
    }

    private static BufferedWriter open(
            Path file,
            String header,
            long firstStep,
            java.util.function.ObjLongConsumer<String> keptRow)
            throws IOException {
        List<String> keep = new ArrayList<>();
        if (firstStep > 1 && Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.equals(header)) {
                    continue;
                }
                int comma = line.indexOf(',');
                try {
                    long step =
                            comma > 0 ? Long.parseLong(line.substring(0, comma)) : Long.MAX_VALUE;
                    if (step < firstStep) {
                        keep.add(line);
                        if (keptRow != null) {
                            keptRow.accept(line, step);
                        }
                    }
                } catch (NumberFormatException ignored) {
                    // a partial last line of a killed run
                }
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        BufferedWriter w =
                Files.newBufferedWriter(
                        file,
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
        w.write(header);
        w.newLine();
        for (String l : keep) {
            w.write(l);
            w.newLine();
        }
        w.flush();
        return w;
    }

    @Override
    public void onStep(Trainer.StepInfo s) {
        lastSeen = s;
        if (s.step() % every != 0 && s.step() != s.totalSteps()) {
            return;
        }
        logStep(s);
    }

    private void logStep(Trainer.StepInfo s) {
        lastLogged = s.step();
        write(
                stepOut,
                String.format(
                        Locale.ROOT,
                        "%d,%.9g,%.6g,%.3f",
                        s.step(),
                        s.loss(),
                        s.learningRate(),
                        s.elapsedSeconds()));
    }

    @Override
    public void onEval(long step, Map<String, Double> metrics) {
        if (evalOut == null) {
            return;
        }
        for (Map.Entry<String, Double> e : new LinkedHashMap<>(metrics).entrySet()) {
            if (step == lastEvalStep && lastEvalMetrics.contains(e.getKey())) {
                continue; // the same step's state, evaluated again: logged already
            }
            noteEval(step, e.getKey());
            write(
                    evalOut,
                    String.format(Locale.ROOT, "%d,%s,%.9g", step, e.getKey(), e.getValue()));
        }
    }

    @Override
    public void onCheckpoint(long step, Path file) {
        try {
            stepOut.flush();
            if (evalOut != null) {
                evalOut.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onEnd(Trainer.Result result) {
        if (lastSeen != null && lastSeen.step() != lastLogged) {
            logStep(lastSeen);
        }
        try {
            stepOut.close();
            if (evalOut != null) {
                evalOut.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(BufferedWriter w, String line) {
        try {
            w.write(line);
            w.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
