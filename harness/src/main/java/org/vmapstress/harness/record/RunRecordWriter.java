package org.vmapstress.harness.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.vmapstress.harness.BadInput;

/** Writes {@code DIR/run.json} atomically (a temporary file, then a move), so a reader never sees half a record. */
public final class RunRecordWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunRecordWriter() {
    }

    /** Checks that {@code dir} can hold a run record before any work is done: bad input otherwise. */
    public static void requireUsable(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadInput("--out " + dir + " is a file, not a folder");
        }
    }

    public static Path write(Path dir, RunRecord record) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve("run.json");
        Path temporary = Files.createTempFile(dir, "run", ".json.tmp");
        JSON.writeValue(temporary.toFile(), record);
        return Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static RunRecord read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RunRecord.class);
    }
}
