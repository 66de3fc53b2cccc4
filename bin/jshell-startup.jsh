// Imports for `bin/implicit jshell`: the tensor core, networks, optimisers, training, implicit layers, ODEs and SDFs.
import org.implicitlayers.core.*;
import org.implicitlayers.core.nn.*;
import org.implicitlayers.core.optim.*;
import org.implicitlayers.core.train.*;
import org.implicitlayers.implicit.*;
import org.implicitlayers.ode.*;
import org.implicitlayers.ode.solver.*;
import java.nio.file.*;
// Neural SDFs: the main classes by name (sdf.mesh.Shapes would clash with core's Shapes).
import org.implicitlayers.sdf.fit.SdfFit;
import org.implicitlayers.sdf.fit.SdfModel;
import org.implicitlayers.sdf.fit.IgrLoss;
import org.implicitlayers.sdf.io.BuiltinClouds;
import org.implicitlayers.sdf.io.GeometryReader;
import org.implicitlayers.sdf.io.PointCloud;
import org.implicitlayers.sdf.io.MeshWriter;
import org.implicitlayers.sdf.mesh.GridSampler;
import org.implicitlayers.sdf.mesh.MarchingCubes;
import org.implicitlayers.sdf.mesh.Mesh;
System.out.println("implicit-layers: try  Tensor.linspace(DType.FLOAT64, 0, 1, 5)  or  OdeSolve.Options.defaults()");
