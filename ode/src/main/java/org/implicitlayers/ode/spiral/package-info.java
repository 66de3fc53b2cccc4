/**
 * The spiral problem of torchdiffeq's ode_demo: data, model, batches and losses shared by the
 * command line and the GUI.
 */
package org.implicitlayers.ode.spiral;
