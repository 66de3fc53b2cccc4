/** Fitting a neural ODE to a user's time series read from CSV. */
package org.implicitlayers.ode.fit;
