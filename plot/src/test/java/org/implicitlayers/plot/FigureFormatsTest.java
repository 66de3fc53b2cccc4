package org.implicitlayers.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jfree.chart.JFreeChart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class FigureFormatsTest {
    @TempDir Path dir;

    private static JFreeChart curves() {
        double[] x = {1, 2, 3, 4}, y = {1, 0.1, 0.01, 0.001};
        return Curves.chart(
                "loss against step",
                "step",
                false,
                List.of(
                        new Curves.Panel(
                                "loss",
                                Curves.Scale.LOG,
                                List.of(Curves.Series.line("loss", x, y)))));
    }

    private static JFreeChart map() {
        Grid2 g = Grid2.sample(-1, 1, 41, 0, 1, 21, (x, y) -> x * y);
        return HeatMap.of(g).title("u = x y").valueLabel("u").chart();
    }

    /**
     * A parser that reads no external DTD (an SVG with a DOCTYPE would otherwise be fetched from
     * the network).
     */
    static javax.xml.parsers.DocumentBuilder xml() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder();
    }

    @Test
    void svgIsWellFormedXmlOfTheAskedSizeWithTheChartsText() throws Exception {
        Path f = dir.resolve(FigureFormat.SVG.fileName("curves"));
        Figures.defaults()
                .withFormat(FigureFormat.SVG)
                .withSize(640, 480)
                .write(curves(), f, 900, 420);
        Document d = xml().parse(f.toFile());
        Element root = d.getDocumentElement();
        assertEquals("svg", root.getTagName());
        assertEquals(640, Double.parseDouble(root.getAttribute("width").replace("px", "")), 0.0);
        assertEquals(480, Double.parseDouble(root.getAttribute("height").replace("px", "")), 0.0);
        String text = root.getTextContent();
        assertTrue(
                text.contains("loss against step") && text.contains("step"),
                "title and axis label are text in the SVG");
    }

    @Test
    void fittedMapAsSvgKeepsTheFittedAspect() throws Exception {
        Path f = dir.resolve("map.svg");
        Figures.defaults().withFormat(FigureFormat.SVG).writeFitted(map(), f, 620);
        Element root = xml().parse(f.toFile()).getDocumentElement();
        java.awt.Dimension want = Png.fittedSize(map(), 620);
        assertEquals(
                want.width, Double.parseDouble(root.getAttribute("width").replace("px", "")), 0.0);
        assertEquals(
                want.height,
                Double.parseDouble(root.getAttribute("height").replace("px", "")),
                0.0);
        assertTrue(want.height < want.width, "a 2 x 1 domain is wider than tall: " + want);
    }

    @Test
    void pdfParsesAsOnePageOfTheAskedSizeWithTheChartsText() throws Exception {
        Path f = dir.resolve(FigureFormat.PDF.fileName("curves"));
        Figures.defaults().withFormat(FigureFormat.PDF).write(curves(), f, 500, 300);
        try (PDDocument doc = Loader.loadPDF(f.toFile())) {
            assertEquals(1, doc.getNumberOfPages());
            PDPage p = doc.getPage(0);
            assertEquals(500, p.getMediaBox().getWidth(), 1e-3);
            assertEquals(300, p.getMediaBox().getHeight(), 1e-3);
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("loss against step"), "the title is text in the PDF: " + text);
        }
    }

    @Test
    void pngIsTheSizeTimesDpiOver72() throws Exception {
        Path f = dir.resolve("curves.png");
        Figures.defaults().withDpi(144).write(curves(), f, 300, 200);
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(600, img.getWidth());
        assertEquals(400, img.getHeight());
        assertTrue(Files.size(f) > 1000);
    }

    @Test
    void badSettingsNameTheOption() {
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> FigureFormat.parse("--figure-format", "jpg"))
                        .getMessage()
                        .contains("--figure-format: expected png, svg or pdf, got 'jpg'"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Figures.parseSize("--figure-size", "640*480"))
                        .getMessage()
                        .startsWith("--figure-size: expected WxH"));
        assertEquals(640, Figures.parseSize("--figure-size", "640x480")[0]);
        assertThrows(IllegalArgumentException.class, () -> Figures.defaults().withDpi(0));
    }
}
