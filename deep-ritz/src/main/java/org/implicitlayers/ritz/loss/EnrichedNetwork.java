package org.implicitlayers.ritz.loss;

import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;

/**
 * The trained model when the solution has corner terms: the network N (parameters {@code net.*})
 * and the corner terms' coefficients ({@code corners.coefficients}), in that order. Its forward
 * value is N(x) + sum_k c_k psi_k(x), the solution without the exact-boundary ansatz; the {@link
 * Ansatz} combines the two parts itself.
 */
public final class EnrichedNetwork extends Module {
    private final Module net;
    private final CornerEnrichment corners;

    public EnrichedNetwork(Module net, CornerEnrichment corners) {
        this.net = child("net", net);
        this.corners = child("corners", corners);
    }

    public Module network() {
        return net;
    }

    public CornerEnrichment corners() {
        return corners;
    }

    @Override
    public Tensor forward(Tensor x) {
        return net.forward(x).add(corners.forward(x));
    }
}
