package io.storehub.hub.boot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Gives a plain {@code java -jar storeganise-hub.jar} the project's JVM options ({@code jvm.options}
 * at the project root, packaged as {@value #OPTIONS_RESOURCE}). A jar cannot carry JVM options and
 * the JVM's own defaults size the heap at a quarter of the machine's memory (the embedded broker then
 * holds half of that in messages). So when the user gave no heap setting, this JVM starts the hub's
 * JVM again with those options, its own command line (system properties, {@code -jar} or class path,
 * main class, arguments) after them, and {@code MALLOC_ARENA_MAX} in the environment:
 * <ul>
 * <li>on Linux and macOS in place, by execve(2): the same process (pid, standard input and output,
 * signals, exit code), and nothing of this JVM left in memory;</li>
 * <li>elsewhere, or if exec fails, or with {@code STOREGANISE_JVM_RELAUNCH=child}, as a child process
 * this JVM waits for: a SIGTERM or Ctrl-C here stops the child gracefully (shutdown hook) and this JVM
 * exits after it with the child's exit code; the child stops itself when this JVM disappears (even by
 * SIGKILL), so no orphan keeps the port and the data directory. This JVM costs ~50 MiB meanwhile.</li>
 * </ul>
 * Nothing is relaunched when the user chose a heap size (-Xmx, -Xms, -XX:MaxRAMPercentage, -XX:MaxRAM,
 * ..., on the command line or in JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, _JAVA_OPTIONS): then the user
 * owns the JVM options. Neither when an agent is attached (a debugger or profiler meant for the hub),
 * nor with {@code STOREGANISE_JVM_RELAUNCH=false} (or {@code -Dstoreganise.jvm.relaunch=false}).
 * <p>
 * Written by hand because no library relaunches a JVM with options: the JVM reads none from a jar
 * manifest, and Spring Boot's launch script applies only to a jar run as {@code ./app.jar}. JNA makes
 * the one system call Java 17 has no API for.
 */
public final class JvmRelaunch {

    /** The JVM options, in java {@code @argfile} syntax: one option per line, {@code #} comments. */
    public static final String OPTIONS_RESOURCE = "/META-INF/storeganise-hub/jvm.options";
    /** false: run in this JVM; child: a child process rather than exec; anything else: exec, else a child. */
    static final String OPT_OUT_ENV = "STOREGANISE_JVM_RELAUNCH";
    static final String OPT_OUT_PROPERTY = "storeganise.jvm.relaunch";
    /** Set on the child's command line: the launcher's pid, which the child watches. */
    static final String LAUNCHER_PID_PROPERTY = "storeganise.jvm.launcher-pid";
    /** Fewer glibc malloc arenas: with many threads the default (8 per core) costs tens of MiB of RSS. */
    static final String MALLOC_ARENA_MAX = "2";
    static final long CHILD_STOP_GRACE_SECONDS = 60;

    private static final List<String> HEAP_OPTIONS = List.of("-Xmx", "-Xms", "-XX:MaxHeapSize=", "-XX:InitialHeapSize=",
            "-XX:MinHeapSize=", "-XX:MaxRAM=", "-XX:MaxRAMPercentage=", "-XX:MinRAMPercentage=", "-XX:InitialRAMPercentage=",
            "-XX:MaxRAMFraction=", "-XX:MinRAMFraction=", "-XX:InitialRAMFraction=", "-XX:Flags=", "-XX:VMOptionsFile=");
    private static final List<String> AGENT_OPTIONS = List.of("-agentlib:", "-agentpath:", "-javaagent:", "-Xrunjdwp", "-Xdebug");
    private static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private JvmRelaunch() {
    }

    /**
     * First thing in {@code main}: returns when this JVM is to run the hub (after arranging, in a
     * relaunched child, to stop when the launcher goes away); otherwise becomes the hub's JVM (exec)
     * or runs it in a child JVM and exits with its exit code, never returning.
     */
    public static void relaunchIfNeeded() {
        String launcherPid = System.getProperty(LAUNCHER_PID_PROPERTY);
        if (launcherPid != null) {
            stopWhenLauncherExits(Long.parseLong(launcherPid));
            return;
        }
        List<String> jvmArguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        Optional<List<String>> commandLine = commandLine();
        List<String> defaults = defaultOptions();
        if (reasonToStay(jvmArguments, System.getenv()).isPresent() || commandLine.isEmpty() || defaults.isEmpty()) {
            return;
        }
        List<String> options = effectiveDefaults(defaults, jvmArguments, JvmRelaunch::knownToThisJvm);
        List<String> command = childCommand(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                options, ProcessHandle.current().pid(), commandLine.get());
        Map<String, String> environment = new java.util.LinkedHashMap<>(System.getenv());
        environment.putIfAbsent("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
        String how = " (give -Xmx... or set " + OPT_OUT_ENV + "=false to keep the JVM's own; README.md, \"Memory\")";
        if (!"child".equalsIgnoreCase(System.getenv().getOrDefault(OPT_OUT_ENV, "").trim())) {
            System.err.println("storeganise-hub: no heap size given, so this JVM restarts itself with the project's JVM options: "
                    + String.join(" ", options) + how);
            // returns only if it could not
            Exec.replaceProcess(command.stream().filter(a -> !a.startsWith("-D" + LAUNCHER_PID_PROPERTY + "=")).toList(), environment);
        }
        System.err.println("storeganise-hub: no heap size given, so the hub runs in a child JVM with the project's JVM options: "
                + String.join(" ", options) + how);
        System.exit(runChild(command, environment));
    }

    /**
     * This JVM's arguments as given (options, -jar or class path and main class, program arguments).
     * /proc/self/cmdline first: ProcessHandle.Info gives nothing for a long command line (a class path
     * of a few hundred jars, as an IDE or Maven passes it).
     */
    static Optional<List<String>> commandLine() {
        Path proc = Path.of("/proc/self/cmdline");
        if (Files.isReadable(proc)) {
            try {
                List<String> argv = List.of(new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).split("\0"));
                if (argv.size() > 1) {
                    return Optional.of(argv.subList(1, argv.size()));
                }
            } catch (IOException e) {
                // fall through to what the JDK can tell
            }
        }
        return ProcessHandle.current().info().arguments().map(Arrays::asList);
    }

    /** Why this JVM runs the hub itself, or empty when it should relaunch. */
    static Optional<String> reasonToStay(List<String> jvmArguments, Map<String, String> environment) {
        if ("false".equalsIgnoreCase(environment.getOrDefault(OPT_OUT_ENV, "").trim())
                || jvmArguments.contains("-D" + OPT_OUT_PROPERTY + "=false")) {
            return Optional.of(OPT_OUT_ENV + "=false");
        }
        List<String> given = new ArrayList<>(jvmArguments);
        // the JVM lists these variables' options among its input arguments already; read them anyway
        // so the decision does not rest on that
        OPTION_VARIABLES.forEach(name -> given.addAll(tokens(environment.get(name))));
        for (String argument : given) {
            if (HEAP_OPTIONS.stream().anyMatch(argument::startsWith)) {
                return Optional.of("heap setting given: " + argument);
            }
            if (AGENT_OPTIONS.stream().anyMatch(argument::startsWith)) {
                return Optional.of("agent attached: " + argument);
            }
        }
        return Optional.empty();
    }

    /**
     * The child's command: java, the options, then this JVM's own command line unchanged (its options
     * after ours, so an option given twice is the user's).
     */
    static List<String> childCommand(String java, List<String> options, long launcherPid, List<String> commandLine) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        command.add("-D" + LAUNCHER_PID_PROPERTY + "=" + launcherPid);
        command.addAll(commandLine);
        return command;
    }

    /**
     * The defaults minus those the user set (the same option, or any collector when a default picks one)
     * and the -XX options this JVM does not have (an older update of the same Java): the child runs on
     * this JVM's java, which would refuse to start with an option it does not know.
     */
    static List<String> effectiveDefaults(List<String> defaults, List<String> jvmArguments, Predicate<String> knownFlag) {
        return defaults.stream()
                .filter(d -> jvmArguments.stream().noneMatch(given -> optionName(given).equals(optionName(d))))
                .filter(d -> !d.startsWith("-XX:") || knownFlag.test(flagName(d)))
                .toList();
    }

    /** A locked (experimental, diagnostic) flag counts as unknown, as it would fail without its unlock option. */
    static boolean knownToThisJvm(String flag) {
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(flag);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** -XX:+UseG1GC and -XX:-UseG1GC are the same option; every collector choice counts as one option. */
    static String optionName(String option) {
        if (option.startsWith("-XX:")) {
            String name = flagName(option);
            return name.matches("Use\\w*GC") ? "-XX:<collector>" : "-XX:" + name;
        }
        if (option.startsWith("-D")) {
            int equals = option.indexOf('=');
            return equals < 0 ? option : option.substring(0, equals);
        }
        for (String prefix : List.of("-Xmx", "-Xms", "-Xss", "-Xmn")) {
            if (option.startsWith(prefix)) {
                return prefix;
            }
        }
        return option;
    }

    /** The options of {@value #OPTIONS_RESOURCE}; empty if it is not on the class path. */
    public static List<String> defaultOptions() {
        try (InputStream in = JvmRelaunch.class.getResourceAsStream(OPTIONS_RESOURCE)) {
            return in == null ? List.of() : parseOptions(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + OPTIONS_RESOURCE, e);
        }
    }

    /** The flag of an -XX option: TrimNativeHeapInterval of -XX:TrimNativeHeapInterval=5000, UseSerialGC of -XX:+UseSerialGC. */
    static String flagName(String option) {
        String name = option.substring(4).replaceFirst("^[+-]", "");
        int equals = name.indexOf('=');
        return equals < 0 ? name : name.substring(0, equals);
    }

    /** The subset of java's @argfile syntax jvm.options uses: options separated by white space, # comment lines. */
    static List<String> parseOptions(BufferedReader reader) throws IOException {
        List<String> options = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                options.addAll(tokens(line));
            }
        }
        return options;
    }

    private static List<String> tokens(String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
    }

    private static int runChild(List<String> command, Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(environment);
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            System.err.println("storeganise-hub: cannot start the child JVM (" + e.getMessage() + ")");
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(child), "storeganise-hub-stop-child"));
        // from here on this JVM only waits: give back what reading the jar took (~15 MiB of heap)
        System.gc();
        while (true) {
            try {
                return child.waitFor();
            } catch (InterruptedException e) {
                // only the shutdown hook ends the wait for the child
            }
        }
    }

    /** SIGTERM, then a minute for the graceful shutdown (in-flight webhooks, the broker journal) before SIGKILL. */
    private static void stop(Process child) {
        if (!child.isAlive()) {
            return;
        }
        child.destroy();
        try {
            if (!child.waitFor(CHILD_STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                System.err.println("storeganise-hub: the hub did not stop within " + CHILD_STOP_GRACE_SECONDS + " s: killing it");
                child.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * In the child: exit (gracefully, through the shutdown hooks) as soon as the launcher is gone. The
     * JDK polls a process that is not its child, so this reacts within seconds, not at once.
     */
    private static void stopWhenLauncherExits(long launcherPid) {
        Optional<ProcessHandle> launcher = ProcessHandle.current().parent().filter(p -> p.pid() == launcherPid);
        if (launcher.isEmpty()) {
            System.err.println("storeganise-hub: the launcher JVM (pid " + launcherPid + ") is gone: not starting");
            System.exit(1);
        }
        launcher.get().onExit().thenRun(() -> {
            System.err.println("storeganise-hub: the launcher JVM (pid " + launcherPid + ") is gone: stopping");
            // System.exit waits for the shutdown hooks: not on the JDK's process reaper thread
            Thread exit = new Thread(() -> System.exit(1), "storeganise-hub-launcher-gone");
            exit.start();
        });
    }
}
