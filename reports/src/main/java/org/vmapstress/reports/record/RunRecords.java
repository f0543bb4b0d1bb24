package org.vmapstress.reports.record;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads and writes run records. Writing is atomic (a temporary file, then a move), so a
 * reader never sees half a record; reading checks the format and says which file is wrong.
 */
public final class RunRecords {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunRecords() {
    }

    /** Checks that {@code dir} can hold records before any work is done (see {@link Published#requireWritable}). */
    public static void requireUsable(Path dir) {
        Published.requireWritable("--out", dir);
    }

    /** Writes {@code dir/name} (e.g. {@code run.json}) atomically, readable by all, and returns its path. */
    public static Path write(Path dir, String name, RunRecord record) throws IOException {
        return Published.writeAtomically(dir, name, temporary -> JSON.writeValue(temporary.toFile(), record));
    }

    public static Path write(Path dir, RunRecord record) throws IOException {
        return write(dir, "run.json", record);
    }

    /** Reads one record; a file that is not a record of this format is a {@link BadRecord} naming the file. */
    public static RunRecord read(Path file) {
        try {
            JsonNode tree = JSON.readTree(file.toFile());
            String format = tree == null ? null : tree.path("format").asText(null);
            if (!RunRecord.FORMAT.equals(format)) {
                throw new BadRecord(file + ": not a run record (format " + (format == null ? "missing" : "'" + format + "'")
                        + ", expected '" + RunRecord.FORMAT + "')");
            }
            RunRecord record = JSON.treeToValue(tree, RunRecord.class);
            java.util.Optional<String> problem = RecordValidation.problem(record);
            if (problem.isPresent()) {
                throw new BadRecord(file + ": broken run record: " + problem.get());
            }
            return record;
        } catch (JacksonException e) {
            throw new BadRecord(file + ": broken run record: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRecord(file + ": cannot be read: " + e.getMessage());
        }
    }

    /**
     * Every record under the given folders (files named {@code *.json} whose first field says
     * they are run records; other JSON files are skipped), in a stable order.
     */
    public static List<Located> readAll(List<Path> folders) {
        List<Located> records = new ArrayList<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                throw new BadRecord("--in " + folder + " is not a folder");
            }
            for (Path file : recordFiles(folder)) {
                records.add(new Located(file, read(file)));
            }
        }
        return records;
    }

    private static List<Path> recordFiles(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))
                    .filter(RunRecords::claimsToBeARecord).sorted().toList();
        } catch (IOException e) {
            throw new BadRecord(folder + ": cannot be listed: " + e.getMessage());
        }
    }

    /** A JSON file whose text names the run-record format family (any version: a wrong version is then reported). */
    private static boolean claimsToBeARecord(Path file) {
        try {
            return Files.readString(file).contains("\"vmapstress-run/");
        } catch (IOException e) {
            throw new BadRecord(file + ": cannot be read: " + e.getMessage());
        }
    }

    /** A record and the file it came from. */
    public record Located(Path file, RunRecord record) {
    }
}
