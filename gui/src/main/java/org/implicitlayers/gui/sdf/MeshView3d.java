package org.implicitlayers.gui.sdf;

import javafx.application.ConditionalFeature;
import javafx.application.Platform;
import javafx.scene.AmbientLight;
import javafx.scene.Group;
import javafx.scene.PerspectiveCamera;
import javafx.scene.PointLight;
import javafx.scene.SceneAntialiasing;
import javafx.scene.SubScene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.scene.paint.PhongMaterial;
import javafx.scene.shape.CullFace;
import javafx.scene.shape.MeshView;
import javafx.scene.shape.TriangleMesh;
import javafx.scene.transform.Rotate;

/**
 * A 3-D view of a triangle mesh or a point cloud (in normalised units, inside the unit ball):
 * shaded with a Phong material under a point light, rotated by dragging, zoomed by scrolling. Needs
 * the es2 (OpenGL) pipeline; elsewhere (the headless software pipeline) it says so.
 */
final class MeshView3d extends StackPane {
    private final Group content = new Group();
    private final Rotate rx = new Rotate(-20, Rotate.X_AXIS);
    private final Rotate ry = new Rotate(30, Rotate.Y_AXIS);
    private final PerspectiveCamera camera = new PerspectiveCamera(true);
    private final Label message = new Label();
    private double lastX;
    private double lastY;

    MeshView3d() {
        setId("sdf-3d");
        setMinSize(200, 200);
        setStyle("-fx-background-color: white;");
        if (!Platform.isSupported(ConditionalFeature.SCENE3D)) {
            message.setText(
                    "No 3-D view: JavaFX runs on its software pipeline here, which has no 3-D (no usable OpenGL, or"
                            + " -Dprism.forceGPU=false; Mesa's libgl1-mesa-dri gives a software OpenGL). The slice and the mesh export work as usual.");
            message.setWrapText(true);
            getChildren().add(message);
            return;
        }
        Group world = new Group(content);
        world.getTransforms().addAll(rx, ry);
        PointLight light = new PointLight(Color.gray(0.85));
        light.setTranslateX(-2);
        light.setTranslateY(-3);
        light.setTranslateZ(-4);
        Group root = new Group(world, light, new AmbientLight(Color.gray(0.35)));
        camera.setNearClip(0.01);
        camera.setFarClip(100);
        camera.setTranslateZ(-3.6);
        camera.setFieldOfView(35);
        SubScene sub = new SubScene(root, 400, 400, true, SceneAntialiasing.BALANCED);
        sub.setFill(Color.WHITE);
        sub.setCamera(camera);
        sub.widthProperty().bind(widthProperty());
        sub.heightProperty().bind(heightProperty());
        sub.setOnMousePressed(
                e -> {
                    lastX = e.getSceneX();
                    lastY = e.getSceneY();
                });
        sub.setOnMouseDragged(
                e -> {
                    ry.setAngle(ry.getAngle() + 0.4 * (e.getSceneX() - lastX));
                    rx.setAngle(rx.getAngle() - 0.4 * (e.getSceneY() - lastY));
                    lastX = e.getSceneX();
                    lastY = e.getSceneY();
                });
        sub.setOnScroll(
                e ->
                        camera.setTranslateZ(
                                Math.min(
                                        -1.2,
                                        Math.max(
                                                -12,
                                                camera.getTranslateZ()
                                                        * Math.pow(1.0015, -e.getDeltaY())))));
        getChildren().add(sub);
    }

    /**
     * Shows a mesh: vertices [3 V] (x y z), faces [3 F]. JavaFX's y points down, so y is flipped.
     */
    void showMesh(double[] vertices, int[] faces, Color colour) {
        TriangleMesh m = new TriangleMesh();
        float[] p = new float[vertices.length];
        for (int i = 0; i < vertices.length; i += 3) {
            p[i] = (float) vertices[i];
            p[i + 1] = (float) -vertices[i + 1];
            p[i + 2] = (float) vertices[i + 2];
        }
        m.getPoints().setAll(p);
        m.getTexCoords().setAll(0, 0);
        // Flipping y mirrors the mesh, which reverses the triangles' orientation: swap two corners
        // back.
        int[] f = new int[2 * faces.length];
        for (int i = 0; i < faces.length; i += 3) {
            f[2 * i] = faces[i];
            f[2 * i + 2] = faces[i + 2];
            f[2 * i + 4] = faces[i + 1];
        }
        m.getFaces().setAll(f);
        int[] smoothing = new int[faces.length / 3];
        java.util.Arrays.fill(smoothing, 1);
        m.getFaceSmoothingGroups().setAll(smoothing);
        MeshView v = new MeshView(m);
        PhongMaterial mat = new PhongMaterial(colour);
        mat.setSpecularColor(Color.gray(0.3));
        v.setMaterial(mat);
        v.setCullFace(CullFace.NONE);
        content.getChildren().setAll(v);
    }

    /** Shows points [3 N] as small tetrahedra, visible from every side. */
    void showPoints(double[] points, double size) {
        int n = points.length / 3;
        double[][] corners = {{1, 1, 1}, {1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}};
        int[][] tris = {{0, 1, 2}, {0, 3, 1}, {0, 2, 3}, {1, 3, 2}};
        double[] v = new double[12 * n];
        int[] f = new int[12 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 4; c++) {
                for (int a = 0; a < 3; a++) {
                    v[12 * i + 3 * c + a] = points[3 * i + a] + size * corners[c][a];
                }
            }
            for (int t = 0; t < 4; t++) {
                for (int k = 0; k < 3; k++) {
                    f[12 * i + 3 * t + k] = 4 * i + tris[t][k];
                }
            }
        }
        showMesh(v, f, Color.web("#1f77b4"));
    }
}
