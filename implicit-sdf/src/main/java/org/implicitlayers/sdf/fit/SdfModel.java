package org.implicitlayers.sdf.fit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.sdf.io.FormatException;
import org.implicitlayers.sdf.io.Normalization;
import org.implicitlayers.sdf.mesh.ScalarField;
import org.implicitlayers.sdf.net.IgrNetwork;
import org.implicitlayers.sdf.net.NetworkField;
import org.implicitlayers.sdf.net.SdfNetwork;
import org.implicitlayers.sdf.net.SirenNetwork;

/**
 * A fitted signed distance field: the network (in normalised units; an {@link IgrNetwork} or a
 * {@link SirenNetwork}) and the normalisation of its input, saved together as one NumPy {@code
 * .npz} (the parameters by name, plus {@code meta.normalization} = [cx, cy, cz, scale] and {@code
 * meta.architecture} = [width, depth, skipAt, beta, radius] for IGR or [width, depth, -1, omega0,
 * 0] for SIREN).
 */
public record SdfModel(SdfNetwork network, Normalization normalization) {
    public SdfModel {
        if (!(network instanceof IgrNetwork) && !(network instanceof SirenNetwork)) {
            throw new IllegalArgumentException(
                    "SdfModel: an IgrNetwork or a SirenNetwork, got "
                            + network.getClass().getSimpleName());
        }
    }

    /** The parameters' dtype. */
    public DType dtype() {
        return network instanceof IgrNetwork igr
                ? igr.options().dtype()
                : ((SirenNetwork) network).dtype();
    }

    /** The field in normalised units (where the mesh is extracted). */
    public ScalarField normalizedField() {
        return new NetworkField(network, dtype());
    }

    /** The field in the input's units: f(x) = net((x - c) s) / s. */
    public ScalarField field() {
        ScalarField f = normalizedField();
        return (xyz, n, out) -> {
            f.evaluate(normalization.apply(java.util.Arrays.copyOf(xyz, 3 * n)), n, out);
            for (int i = 0; i < n; i++) {
                out[i] = (float) normalization.invertLength(out[i]);
            }
        };
    }

    public void save(Path file) throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>(network.module().stateDict());
        Normalization nz = normalization;
        m.put(
                "meta.normalization",
                Tensor.of(new double[] {nz.cx(), nz.cy(), nz.cz(), nz.scale()}, 4));
        double[] arch;
        if (network instanceof IgrNetwork igr) {
            IgrNetwork.Options o = igr.options();
            arch = new double[] {o.width(), o.depth(), o.skipAt(), o.beta(), o.radius()};
        } else {
            SirenNetwork sn = (SirenNetwork) network;
            arch = new double[] {sn.width(), sn.depth(), -1, sn.omega0(), 0};
        }
        m.put("meta.architecture", Tensor.of(arch, 5));
        Npz.write(file, m);
    }

    public static SdfModel load(Path file) throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>(Npz.read(file).tensors());
        Tensor norm = m.remove("meta.normalization"), arch = m.remove("meta.architecture");
        if (norm == null || arch == null || norm.numel() != 4 || arch.numel() != 5) {
            throw new FormatException(
                    file
                            + ": not a saved SDF model (expected meta.normalization [4] and meta.architecture [5])");
        }
        double[] a = arch.toDoubleArray(), nz = norm.toDoubleArray();
        DType dt = m.isEmpty() ? DType.FLOAT32 : m.values().iterator().next().dtype();
        SdfNetwork net;
        try {
            net =
                    a[2] < 0
                            ? new SirenNetwork((int) a[0], (int) a[1], a[3], dt, Rng.seeded(0))
                            : new IgrNetwork(
                                    new IgrNetwork.Options(
                                            3, (int) a[0], (int) a[1], a[3], a[4], (int) a[2], dt),
                                    Rng.seeded(0));
            net.module().loadStateDict(m);
        } catch (IllegalArgumentException e) {
            throw new FormatException(file + ": " + e.getMessage());
        }
        return new SdfModel(net, new Normalization(nz[0], nz[1], nz[2], nz[3]));
    }
}
