package org.implicitlayers.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dotted path into a JSON tree, such as {@code network.width}, {@code optimizer.lr} or {@code
 * boundary[1].g}: object fields separated by dots, each optionally followed by array indices in
 * brackets.
 *
 * @param text the path as written
 * @param segments field names, or array indices as decimal strings, from the root down
 */
public record JsonPath(String text, List<String> segments) {
    private static final Pattern SEGMENT =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)((?:\\[[0-9]+\\])*)");
    private static final Pattern INDEX = Pattern.compile("\\[([0-9]+)\\]");

    public JsonPath {
        segments = List.copyOf(segments);
    }

    /** Parses a path; fails describing the expected syntax. */
    public static JsonPath parse(String text) {
        List<String> segs = new ArrayList<>();
        for (String part : text.split("\\.", -1)) {
            Matcher m = SEGMENT.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "expected a dotted path of field names with optional [index] parts, such as "
                                + "'network.width' or 'boundary[0].g'; got '"
                                + text
                                + "'");
            }
            segs.add(m.group(1));
            Matcher i = INDEX.matcher(m.group(2));
            while (i.find()) {
                segs.add(i.group(1));
            }
        }
        return new JsonPath(text, segs);
    }

    /**
     * Sets the value at this path in {@code root} (modified in place). Missing objects on the way
     * are created; array elements must exist.
     */
    public void set(ObjectNode root, JsonNode value) {
        JsonNode node = root;
        StringBuilder at = new StringBuilder();
        for (int k = 0; k < segments.size(); k++) {
            String seg = segments.get(k);
            boolean last = k == segments.size() - 1;
            boolean index = Character.isDigit(seg.charAt(0));
            String where = at.length() == 0 ? "the top level" : "'" + at + "'";
            if (index) {
                if (!(node instanceof ArrayNode a)) {
                    throw new IllegalArgumentException(
                            text + ": " + where + " is not an array in the base problem");
                }
                int i = Integer.parseInt(seg);
                if (i >= a.size()) {
                    throw new IllegalArgumentException(
                            text + ": " + where + " has " + a.size() + " elements, no index " + i);
                }
                if (last) {
                    a.set(i, value);
                    return;
                }
                node = a.get(i);
                at.append('[').append(i).append(']');
            } else {
                if (!(node instanceof ObjectNode o)) {
                    throw new IllegalArgumentException(
                            text + ": " + where + " is not an object in the base problem");
                }
                if (last) {
                    o.set(seg, value);
                    return;
                }
                JsonNode next = o.get(seg);
                if (next == null || next.isNull()) {
                    next = o.putObject(seg);
                }
                node = next;
                at.append(at.length() == 0 ? "" : ".").append(seg);
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
