package org.implicitlayers.examples.cli;

import org.implicitlayers.plot.FigureFormat;
import org.implicitlayers.plot.Figures;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The figure options of every command that draws (a picocli mixin: {@code @Mixin FigureOptions
 * figures;}): {@code --figure-format png|svg|pdf}, {@code --figure-size WxH} (points) and {@code
 * --dpi} (PNG).
 */
final class FigureOptions {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--figure-format",
            paramLabel = "FORMAT",
            defaultValue = "png",
            description =
                    "Figures as png, svg or pdf (vector, for papers); default: ${DEFAULT-VALUE}.")
    String format;

    @Option(
            names = "--figure-size",
            paramLabel = "WxH",
            description =
                    "Figure size in points (1/72 inch), e.g. 640x480; maps of space keep equal aspect (W sets their width). "
                            + "Default: each figure's own.")
    String size;

    @Option(
            names = "--dpi",
            defaultValue = "72",
            description = "PNG resolution: pixels = points x dpi / 72 (default: ${DEFAULT-VALUE}).")
    double dpi;

    /** The settings, checked (an error names the option). */
    Figures figures() {
        try {
            Figures f =
                    Figures.defaults().withFormat(FigureFormat.parse("--figure-format", format));
            if (size != null) {
                int[] wh = Figures.parseSize("--figure-size", size);
                f = f.withSize(wh[0], wh[1]);
            }
            try {
                return f.withDpi(dpi);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + e.getMessage(), e);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
