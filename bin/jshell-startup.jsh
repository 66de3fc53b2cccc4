// Imports for `bin/implicit jshell`: the tensor core, networks, optimisers, training, implicit layers and ODEs.
import org.implicitlayers.core.*;
import org.implicitlayers.core.nn.*;
import org.implicitlayers.core.optim.*;
import org.implicitlayers.core.train.*;
import org.implicitlayers.implicit.*;
import org.implicitlayers.ode.*;
import org.implicitlayers.ode.solver.*;
import java.nio.file.*;
System.out.println("implicit-layers: try  Tensor.linspace(DType.FLOAT64, 0, 1, 5)  or  OdeSolve.Options.defaults()");
