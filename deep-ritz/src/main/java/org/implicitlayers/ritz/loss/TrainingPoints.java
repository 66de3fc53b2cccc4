package org.implicitlayers.ritz.loss;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.train.RunState;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * The collocation points of a run: interior points [n, d] and boundary points with their outward
 * normals, drawn afresh at every request or once and then reused; points added by adaptive
 * refinement; and the fixed quasi-random set that L-BFGS (which needs a deterministic objective)
 * works on. The only mutable state of a solve besides the network, the optimiser and the generator;
 * as a {@link RunState} it goes into checkpoints (the positions of the quasi-random sources, the
 * fixed sets once drawn, the refined points), so that a resumed run draws exactly the points the
 * uninterrupted run would have drawn.
 */
public final class TrainingPoints implements RunState {
    private final Domain domain;
    private final int nInterior;
    private final int nBoundary;
    private final PointSource interiorSource;
    private final PointSource boundarySource;
    private final boolean resample;
    private final DType dtype;
    private Tensor fixedInterior;
    private Domain.BoundarySample fixedBoundary;
    private Tensor added;
    private boolean frozen;
    private Tensor frozenInterior;
    private Domain.BoundarySample frozenBoundary;

    /**
     * @param domain where points lie
     * @param nInterior interior points per request
     * @param nBoundary boundary points per request
     * @param interiorSource unit-cube points mapped into the interior
     * @param boundarySource unit-cube points mapped onto the boundary
     * @param resample fresh points at every request (else one set, drawn at the first request)
     * @param dtype dtype of the point tensors
     */
    public TrainingPoints(
            Domain domain,
            int nInterior,
            int nBoundary,
            PointSource interiorSource,
            PointSource boundarySource,
            boolean resample,
            DType dtype) {
        this.domain = domain;
        this.nInterior = nInterior;
        this.nBoundary = nBoundary;
        this.interiorSource = interiorSource;
        this.boundarySource = boundarySource;
        this.resample = resample;
        this.dtype = dtype;
    }

    public Domain domain() {
        return domain;
    }

    public DType dtype() {
        return dtype;
    }

    /** Interior points for one loss evaluation [n, d], refined points appended. */
    public Tensor interior() {
        Tensor base;
        if (frozen && frozenInterior != null) {
            base = frozenInterior;
        } else if (!resample || frozen) {
            if (fixedInterior == null) {
                fixedInterior = kept(domain.sampleInterior(nInterior, interiorSource, dtype));
            }
            base = fixedInterior;
        } else {
            base = domain.sampleInterior(nInterior, interiorSource, dtype);
        }
        return added == null ? base : Tensor.concat(0, base, added);
    }

    /** Boundary points and normals for one loss evaluation. */
    public Domain.BoundarySample boundary() {
        if (frozen && frozenBoundary != null) {
            return frozenBoundary;
        }
        if (!resample || frozen) {
            if (fixedBoundary == null) {
                fixedBoundary = kept(domain.sampleBoundary(nBoundary, boundarySource, dtype));
            }
            return fixedBoundary;
        }
        return domain.sampleBoundary(nBoundary, boundarySource, dtype);
    }

    /** {@code n} fresh interior candidates from the interior source (for refinement). */
    public Tensor candidates(int n) {
        return domain.sampleInterior(n, interiorSource, dtype);
    }

    /** Adds points [k, d] to every later interior set, for good. */
    public void add(Tensor points) {
        added = kept(added == null ? points : Tensor.concat(0, added, points));
    }

    /** The points added by refinement so far [k, d], or null when none. */
    public Tensor added() {
        return added;
    }

    @Override
    public Map<String, Tensor> save() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("interior_position", Tensor.scalar(DType.FLOAT64, interiorSource.position()));
        m.put("boundary_position", Tensor.scalar(DType.FLOAT64, boundarySource.position()));
        // The frozen L-BFGS set is rebuilt deterministically; only the training sets are state.
        if (!resample && fixedInterior != null) {
            m.put("fixed_interior", fixedInterior);
        }
        if (!resample && fixedBoundary != null) {
            m.put("fixed_boundary", fixedBoundary.points());
            m.put("fixed_boundary_normals", fixedBoundary.normals());
        }
        if (added != null) {
            m.put("refined", added);
        }
        return m;
    }

    @Override
    public void restore(Map<String, Tensor> saved) {
        for (String k : saved.keySet()) {
            if (!Arrays.asList(
                            "interior_position",
                            "boundary_position",
                            "fixed_interior",
                            "fixed_boundary",
                            "fixed_boundary_normals",
                            "refined")
                    .contains(k)) {
                throw new IllegalArgumentException("state/" + k + ": not a training-point entry");
            }
        }
        long ip = position(saved, "interior_position", interiorSource.position());
        long bp = position(saved, "boundary_position", boundarySource.position());
        int d = domain.dim();
        Tensor fi = points(saved, "fixed_interior", d),
                fb = points(saved, "fixed_boundary", d),
                fn = points(saved, "fixed_boundary_normals", d);
        Tensor ref = points(saved, "refined", d);
        if ((fb == null) != (fn == null) || fb != null && fb.shape()[0] != fn.shape()[0]) {
            throw new IllegalArgumentException(
                    "state/fixed_boundary and state/fixed_boundary_normals: expected both, with as many rows");
        }
        if (resample && (fi != null || fb != null)) {
            throw new IllegalArgumentException(
                    "state/fixed_*: a run that draws fresh points has no fixed set");
        }
        if (ip != interiorSource.position()) {
            interiorSource.seek(ip);
        }
        if (bp != boundarySource.position()) {
            boundarySource.seek(bp);
        }
        fixedInterior = fi;
        fixedBoundary = fb == null ? null : new Domain.BoundarySample(fb, fn);
        added = ref;
    }

    private static long position(Map<String, Tensor> saved, String key, long current) {
        Tensor t = saved.get(key);
        if (t == null) {
            throw new IllegalArgumentException(
                    "state/" + key + ": missing (the position in the point sequence)");
        }
        double v = t.numel() == 1 ? t.item() : Double.NaN;
        if (!(v >= 0) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "state/" + key + ": expected a whole number >= 0, got " + v);
        }
        return (long) v;
    }

    private Tensor points(Map<String, Tensor> saved, String key, int d) {
        Tensor t = saved.get(key);
        if (t == null) {
            return null;
        }
        if (t.shape().length != 2 || t.shape()[1] != d) {
            throw new IllegalArgumentException(
                    "state/"
                            + key
                            + ": expected points [n, "
                            + d
                            + "], got "
                            + Arrays.toString(t.shape()));
        }
        return kept(t.to(dtype));
    }

    /**
     * Uses one fixed set until {@link #thaw()}: when points were being drawn afresh, a new set of
     * {@code factor} times the per-step counts, quasi-random (Halton inside, Sobol on the
     * boundary), which represents the domain better than one random draw; else the fixed set
     * already in use.
     */
    public void freeze(int factor) {
        freeze(factor, 0);
    }

    /**
     * As {@link #freeze(int)}, with the quasi-random set taken from block {@code block} of the
     * sequences: different blocks give disjoint sets (block 1 serves as held-out points to judge a
     * fit on block 0). A run that uses one fixed set throughout keeps it for block 0 and draws
     * block 1 as for a resampling run.
     */
    public void freeze(int factor, int block) {
        if (resample || block > 0) {
            long offset = (long) block << 24;
            PointSource in = PointSource.halton(domain.dim() + 1),
                    on = PointSource.sobol(domain.dim() + 1);
            in.seek(offset);
            on.seek(offset);
            frozenInterior = kept(domain.sampleInterior(factor * nInterior, in, dtype));
            frozenBoundary =
                    nBoundary > 0
                            ? kept(domain.sampleBoundary(factor * nBoundary, on, dtype))
                            : null;
        } else {
            frozenInterior = null;
            frozenBoundary = null;
        }
        frozen = true;
    }

    /**
     * Draws one set from the run's own sources (as a training step would) and uses it until the
     * next {@code hold} or {@link #thaw()}: a fresh set that several evaluations share (ENGD's Gram
     * matrix and its line search). A run that uses one fixed set keeps it.
     */
    public void hold() {
        if (resample) {
            frozenInterior = kept(domain.sampleInterior(nInterior, interiorSource, dtype));
            frozenBoundary =
                    nBoundary > 0
                            ? kept(domain.sampleBoundary(nBoundary, boundarySource, dtype))
                            : null;
        } else {
            frozenInterior = null;
            frozenBoundary = null;
        }
        frozen = true;
    }

    /**
     * Points that outlive the step that drew them: out of every memory scope (an off-heap backend
     * would free them).
     */
    private static Tensor kept(Tensor t) {
        MemoryScope.persist(t);
        return t;
    }

    private static Domain.BoundarySample kept(Domain.BoundarySample b) {
        kept(b.points());
        kept(b.normals());
        return b;
    }

    /** Back to the sampling given at construction. */
    public void thaw() {
        frozen = false;
        frozenInterior = null;
        frozenBoundary = null;
    }
}
