package org.implicitlayers.sdf.net;

import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;

/** A network f: R^3 -&gt; R whose zero level set is the surface: [n, 3] points to [n, 1] values. */
public interface SdfNetwork {
    /** f at a batch of points [n, 3], shape [n, 1]; records a tape when grad is enabled. */
    Tensor forward(Tensor x);

    /** The module holding the parameters (for optimisers, checkpoints and state dicts). */
    Module module();
}
