package org.implicitlayers.implicit.convex;

/**
 * A problem that the disciplined convex programming rules cannot certify as convex; the message
 * names the offending term.
 */
public final class DcpException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    DcpException(String message) {
        super(message);
    }
}
