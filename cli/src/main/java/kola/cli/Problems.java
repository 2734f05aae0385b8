package kola.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/** Why a file could not be read or written, in words for a one-line message, with what to do. */
final class Problems {
    private Problems() {
    }

    /** The reason of {@code e} (no such file, permission denied, is a directory, ...) and what to do about it. */
    /**
     * Why a RISC-V program at {@code path} could not be read: {@link #why}, and, for a program of
     * {@code user/build} that is not there, how to build it.
     */
    static String whyProgram(IOException e, java.nio.file.Path path) {
        String why = why(e);
        if (e instanceof java.nio.file.NoSuchFileException && path.normalize().toString().replace('\\', '/').contains("user/build/")) {
            return reason(e) + " (build the RISC-V programs with 'make -C user'; that needs the cross compiler: "
                    + "apt-get install gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf)";
        }
        return why;
    }

    static String why(IOException e) {
        String reason = reason(e);
        String hint = switch (reason) {
            case "no such file or directory" -> " (check the path)";
            case "permission denied", "read-only file system" -> " (check the permissions, or choose another path)";
            case "is a directory" -> " (give a file, not a directory)";
            case "not a directory" -> " (a part of the path is a file)";
            case "not UTF-8 text" -> " (save the file as UTF-8)";
            default -> "";
        };
        return reason + hint;
    }

    /** The reason alone, lower case: what the operating system said. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        String text;
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            text = fse.getReason();
        } else if (e instanceof FileNotFoundException && e.getMessage() != null && e.getMessage().endsWith(")")
                && e.getMessage().contains(" (")) {
            // java.io says "PATH (REASON)"
            String m = e.getMessage();
            text = m.substring(m.lastIndexOf(" (") + 2, m.length() - 1);
        } else {
            text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return text.isEmpty() ? text : text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
    }
}
