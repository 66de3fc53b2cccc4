/**
 * Optimisers with PyTorch's update rules (SGD, Adam and AdamW, RMSprop), L-BFGS with a strong-Wolfe
 * line search, and learning-rate schedules.
 */
package org.implicitlayers.core.optim;
