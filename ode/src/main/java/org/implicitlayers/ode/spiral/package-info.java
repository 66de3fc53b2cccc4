/**
 * torchdiffeq's cubic spiral demo: data, model, batches and the training driver shared by the CLI
 * and the GUI.
 */
package org.implicitlayers.ode.spiral;
