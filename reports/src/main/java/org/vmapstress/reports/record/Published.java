package org.vmapstress.reports.record;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files and folders meant to be published (run records, report pages, corpus files): folders
 * are created 0755 and files written 0644 whatever the process's umask or the temporary
 * file's mode, and a file is written whole (a temporary file, then an atomic move), so a
 * reader never sees half of one.
 */
public final class Published {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private Published() {
    }

    /** What writes a file's content. */
    @FunctionalInterface
    public interface Writer {
        void write(Path file) throws IOException;
    }

    /**
     * Checks, before any work is done, that {@code dir} is (or can be made) a folder this
     * process can write into: creates it and writes and deletes a probe file. A place that
     * cannot hold results is a {@link BadRecord} naming the option.
     */
    public static void requireWritable(String option, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadRecord(option + " " + dir + " is a file, not a folder");
        }
        try {
            createFolders(dir);
            Files.delete(Files.createTempFile(dir, ".probe", ".tmp"));
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            throw new BadRecord(option + " " + dir + " cannot be written: " + e);
        }
    }

    /** Creates {@code dir} and its missing parents, each 0755. */
    public static Path createFolders(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        Path missing = absolute;
        while (missing.getParent() != null && !Files.exists(missing.getParent())) {
            missing = missing.getParent();
        }
        boolean created = !Files.exists(absolute);
        Files.createDirectories(absolute);
        if (created && POSIX) {
            for (Path folder = absolute; folder != null && folder.startsWith(missing); folder = folder.getParent()) {
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return dir;
    }

    /** Writes {@code dir/name} whole, 0644, through {@code writer}; returns its path. */
    public static Path writeAtomically(Path dir, String name, Writer writer) throws IOException {
        createFolders(dir);
        Path temporary = Files.createTempFile(dir, name, ".tmp");
        try {
            writer.write(temporary);
            readableByAll(temporary);
            return Files.move(temporary, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Sets {@code file} to 0644 (where the file system has POSIX modes). */
    public static void readableByAll(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
