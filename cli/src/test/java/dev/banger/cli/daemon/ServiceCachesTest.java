package dev.banger.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceCachesTest {
    @TempDir
    Path dir;

    @Test
    void aCacheIsUsedOnlyWhileNewerThanItsJarAndOnlyWhereTheJdkHasThem() throws Exception {
        Path jar = Files.writeString(dir.resolve("quarkus-run.jar"), "jar");
        Path cache = ServiceCaches.cacheFor(jar);
        assertEquals(List.of(), ServiceCaches.flags(jar, false, 25), "no cache yet");
        Files.writeString(cache, "cache");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        assertEquals(List.of("-XX:AOTCache=" + cache), ServiceCaches.flags(jar, false, 25));
        assertEquals(List.of(), ServiceCaches.flags(jar, false, 17), "JDK 17 has no AOT cache");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        assertEquals(List.of(), ServiceCaches.flags(jar, false, 25), "a rebuilt jar makes the cache stale");
        assertEquals(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining", "-XX:AOTCacheOutput=" + cache),
                ServiceCaches.flags(jar, true, 25), "trained without method profiles, which C1 never uses");
    }
}
