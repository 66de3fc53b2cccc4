package org.implicitlayers.ritz;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says where and what a JSON syntax error is in words a user of a problem or sweep file can act on:
 * "line 3, column 1: unexpected end of input: expected '}' to close the object opened at line 1,
 * column 12". Jackson's own message names its internals instead ("[Source: REDACTED
 * (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 12]").
 */
public final class JsonSyntax {
    private static final Pattern CLOSE_MARKER =
            Pattern.compile(
                    "expected close marker for (Object|Array) \\(start marker at \\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]\\)");
    private static final Pattern LOCATION =
            Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");

    private JsonSyntax() {}

    /** "line L, column C: description" (no location part when the parser gave none). */
    public static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where =
                at == null || at.getLineNr() < 1
                        ? ""
                        : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
        return where + plain(e.getOriginalMessage());
    }

    static String plain(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        Matcher m = CLOSE_MARKER.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            boolean object = m.group(1).equals("Object");
            m.appendReplacement(
                    sb,
                    Matcher.quoteReplacement(
                            "expected '"
                                    + (object ? "}" : "]")
                                    + "' to close the "
                                    + (object ? "object" : "array")
                                    + " opened at line "
                                    + m.group(2)
                                    + ", column "
                                    + m.group(3)));
        }
        m.appendTail(sb);
        String s = LOCATION.matcher(sb.toString()).replaceAll("line $1, column $2");
        return s.replace("Unexpected end-of-input", "unexpected end of input").strip();
    }
}
