package org.vmapstress.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One line of a token corpus ({@code corpus/known.tokens}, {@code found.tokens}): a replay
 * token, then what replaying it must show (an invariant id, or "clean"; "?" when the line
 * does not say). Lines that do not start with a token (comments, blank lines) are skipped.
 */
public record CorpusLine(String token, String expected) {

    /** Every token line of {@code file}, in order. */
    public static List<CorpusLine> read(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(line -> line.startsWith(Token.VERSION + ":")).map(CorpusLine::parse).toList();
    }

    /** One token line: the token, then its expected outcome. */
    public static CorpusLine parse(String line) {
        String[] fields = line.split("\\s+");
        return new CorpusLine(fields[0], fields.length < 2 ? "?" : fields[1]);
    }

    @Override
    public String toString() {
        return token + " " + expected;
    }
}
