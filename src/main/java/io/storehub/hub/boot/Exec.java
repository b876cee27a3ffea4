package io.storehub.hub.boot;

import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * execve(2) from Java: this process becomes another program, keeping its pid, standard input and
 * output and parent, so whoever started it (a shell, systemd, a supervisor) keeps managing the new
 * program directly. Java 17 has no API for it; JNA calls the C library's execve. Linux and macOS only.
 */
final class Exec {

    private static final int F_SETFD = 2; // Linux and macOS
    private static final int FD_CLOEXEC = 1;

    private interface LibC extends Library {
        int execve(String path, String[] argv, String[] envp);

        int fcntl(int fd, int command, int argument);
    }

    private Exec() {
    }

    /** Runs {@code command} in this process; returns only when it could not (with the reason on stderr). */
    static void replaceProcess(List<String> command, Map<String, String> environment) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") && !os.contains("mac")) {
            return;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            closeOnExec(libc);
            String[] envp = environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
            System.out.flush();
            System.err.flush();
            // JNA passes a String[] as a NULL-terminated char*[], as execve wants
            libc.execve(command.get(0), command.toArray(String[]::new), envp);
            System.err.println("storeganise-hub: exec failed (errno " + Native.getLastError() + ")");
        } catch (LinkageError | RuntimeException e) {
            // no JNA native library for this platform, or none it could unpack (e.g. a noexec temp directory)
            System.err.println("storeganise-hub: exec not available (" + e + ")");
        }
    }

    /**
     * The files this JVM opened (the jar, the JDK's modules) are not to be inherited: the new JVM
     * opens its own. Standard input, output and error are.
     */
    private static void closeOnExec(LibC libc) {
        File[] open = new File("/proc/self/fd").listFiles(); // Linux; on macOS they are left open
        if (open == null) {
            return;
        }
        for (File fd : open) {
            int number = Integer.parseInt(fd.getName());
            if (number > 2) {
                libc.fcntl(number, F_SETFD, FD_CLOEXEC);
            }
        }
    }
}
