package dev.banger.cli.daemon;

import dev.banger.cli.config.BangerPaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The exact argv that runs one service in dev mode. The JVM flags keep four idle
 * services small (docs/PERFORMANCE.md); {@code setsid} puts each in its own session
 * so a Ctrl-C at the terminal that ran `daemon start` never reaches it.
 */
public final class ServiceCommandLine {
    static final List<String> JVM_FLAGS = List.of(
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xss512k",
            "-Xms8m",
            "-XX:MaxMetaspaceSize=96m",
            "-XX:ReservedCodeCacheSize=32m",
            "-XX:MaxDirectMemorySize=32m",
            "-Dio.netty.allocator.type=unpooled");

    private ServiceCommandLine() {
    }

    public static List<String> argv(Service service, Path java, Path jar, BangerPaths paths, int ownerUid,
            List<String> extraJvmFlags, Optional<Path> guestAgentJar) {
        List<String> argv = new ArrayList<>();
        argv.add("setsid");
        argv.addAll(command(service, java, jar, paths, ownerUid, extraJvmFlags, guestAgentJar));
        return argv;
    }

    /** The service's java command line, as dev mode runs it under setsid and a systemd unit as its ExecStart. */
    public static List<String> command(Service service, Path java, Path jar, BangerPaths paths, int ownerUid,
            List<String> extraJvmFlags, Optional<Path> guestAgentJar) {
        List<String> argv = new ArrayList<>();
        argv.add(java.toString());
        argv.addAll(JVM_FLAGS);
        argv.add("-Xmx" + service.maxHeapMib() + "m");
        argv.addAll(nativeHeapTrim(Runtime.version()));
        argv.addAll(ServiceCaches.flags(jar));
        argv.addAll(extraJvmFlags);
        argv.add(socketFlag(service, paths));
        argv.add("-Dbanger.log-file=" + paths.log(service.shortName()));
        argv.add("-Dbanger.state-dir=" + paths.stateDir());
        argv.add("-Dbanger.owner-uid=" + ownerUid);
        if (service == Service.ORCHESTRATOR) {
            for (Service s : List.of(Service.NET, Service.STORAGE, Service.IMAGE)) {
                argv.add("-Dbanger." + s.shortName() + ".socket=" + paths.socket(s.shortName()));
            }
        }
        if (service == Service.IMAGE) {
            argv.add("-Dbanger.cache-dir=" + paths.cacheDir());
            guestAgentJar.ifPresent(j -> argv.add("-Dbanger.guest-agent.jar=" + j));
            catalog("BANGER_IMAGE_CATALOG").ifPresent(c -> argv.add("-Dbanger.catalog.images=" + c));
            catalog("BANGER_KERNEL_CATALOG").ifPresent(c -> argv.add("-Dbanger.catalog.kernels=" + c));
        }
        argv.add("-jar");
        argv.add(jar.toString());
        return argv;
    }

    /**
     * Gives the C heap back every few seconds: start-up parses thousands of classes with
     * malloc, and glibc keeps those pages after they are freed (~8 MiB per idle service,
     * docs/PERFORMANCE.md). Only where the JVM has the flag (JDK 22; 21.0.1 and 17.0.9
     * backports): an unknown -XX flag would stop the service from starting.
     */
    static List<String> nativeHeapTrim(Runtime.Version jdk) {
        boolean has = jdk.feature() >= 22 || jdk.feature() == 21 && jdk.update() >= 1
                || jdk.feature() == 17 && jdk.update() >= 9;
        return has ? List.of("-XX:TrimNativeHeapInterval=5000") : List.of();
    }

    /** An extra catalog file named in the environment (searched before the embedded one). */
    private static Optional<String> catalog(String variable) {
        String v = System.getenv(variable);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(Path.of(v).toAbsolutePath().toString());
    }

    /** Also the marker by which `daemon stop` recognises a process as this service before signalling it. */
    public static String socketFlag(Service service, BangerPaths paths) {
        return "-Dbanger.socket=" + paths.socket(service.shortName());
    }
}
