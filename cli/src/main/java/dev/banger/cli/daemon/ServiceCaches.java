package dev.banger.cli.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Each service's JDK AOT cache (JEP 483/514, JDK 25 and newer), beside its jar: the
 * classes it loads and links at start, so a service answers sooner (docs/PERFORMANCE.md).
 * Used only while newer than the jar; scripts/train-cli-cache writes them by starting the
 * daemon with {@value #TRAIN} set and stopping it (the JVM writes the cache as it exits).
 */
final class ServiceCaches {
    static final String TRAIN = "BANGER_TRAIN_SERVICE_CACHES";
    private static final int FIRST_JDK_WITH_AOT_CACHE = 25;

    private ServiceCaches() {
    }

    /** The JVM flags for a service run from {@code jar} by the JVM this CLI runs on. */
    static List<String> flags(Path jar, boolean train, int jdkFeature) {
        if (jdkFeature < FIRST_JDK_WITH_AOT_CACHE) {
            return List.of();
        }
        Path cache = cacheFor(jar);
        if (train) {
            // No method profiles (JEP 515): a service never leaves C1 (TieredStopAtLevel=1), so
            // they would only make the cache, which each service keeps resident in full, bigger
            // (~11 MiB of the four's idle RSS; start-up time the same, docs/PERFORMANCE.md).
            return List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining", "-XX:AOTCacheOutput=" + cache);
        }
        return newer(cache, jar) ? List.of("-XX:AOTCache=" + cache) : List.of();
    }

    static List<String> flags(Path jar) {
        return flags(jar, "1".equals(System.getenv(TRAIN)), Runtime.version().feature());
    }

    static Path cacheFor(Path jar) {
        return jar.resolveSibling("banger-service.aot");
    }

    private static boolean newer(Path cache, Path jar) {
        try {
            return Files.isRegularFile(cache)
                    && Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
