/**
 * The training loop ({@link org.implicitlayers.core.train.Trainer}): callbacks, CSV metric logs,
 * atomic checkpoints with bit-identical resume, and the error raised when training diverges.
 */
package org.implicitlayers.core.train;
