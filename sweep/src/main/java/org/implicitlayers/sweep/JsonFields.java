package org.implicitlayers.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Field access for sweep files, with errors that name the field by its path and say what was
 * expected.
 */
final class JsonFields {
    private JsonFields() {}

    static void known(JsonNode n, String at, Set<String> known) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(
                    (at.isEmpty() ? "top level" : at) + ": expected an object, got " + n);
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new IllegalArgumentException(
                        name(at, f) + ": unknown field; expected one of " + new TreeSet<>(known));
            }
        }
    }

    static JsonNode required(JsonNode n, String field, String at) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(name(at, field) + ": missing");
        }
        return v;
    }

    static String text(JsonNode n, String field, String at) {
        JsonNode v = required(n, field, at);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(name(at, field) + ": expected a string, got " + v);
        }
        return v.asText();
    }

    static double number(JsonNode n, String field, String at) {
        JsonNode v = required(n, field, at);
        if (!v.isNumber()) {
            throw new IllegalArgumentException(name(at, field) + ": expected a number, got " + v);
        }
        return v.asDouble();
    }

    static int integer(JsonNode n, String field, String at) {
        JsonNode v = required(n, field, at);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(name(at, field) + ": expected an integer, got " + v);
        }
        return v.asInt();
    }

    static boolean bool(JsonNode n, String field, String at) {
        JsonNode v = required(n, field, at);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(
                    name(at, field) + ": expected true or false, got " + v);
        }
        return v.asBoolean();
    }

    /**
     * The path of a field: {@code at.field}, or {@code field} at the top level ({@code at} empty).
     */
    static String name(String at, String field) {
        return at.isEmpty() ? field : at + "." + field;
    }
}
