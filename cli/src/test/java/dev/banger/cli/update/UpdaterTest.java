package dev.banger.cli.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.cli.output.UserError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdaterTest {
    @TempDir
    Path tmp;
    FakeReleases releases;
    Path lib;
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final List<String> restartedOn = new ArrayList<>();

    @BeforeEach
    void installOneZero() throws Exception {
        releases = new FakeReleases(Files.createDirectories(tmp.resolve("releases")));
        lib = Files.createDirectories(tmp.resolve("usr/local/lib/banger"));
        Files.createDirectories(lib.resolve("1.0.0/bin"));
        Files.writeString(lib.resolve("1.0.0/VERSION"), "1.0.0\n");
        Files.createSymbolicLink(lib.resolve("current"), Path.of("1.0.0"));
        releases.publish("1.0.0");
    }

    private Updater updater(InstalledServices services) {
        return new Updater(Installation.of(lib.resolve("1.0.0")), releases.source(), releases.releaseKey(), services,
                new PrintStream(printed, true));
    }

    /** Services that come up only on the releases named: a release whose orchestrator refuses to start. */
    private InstalledServices servicesUpOn(String... good) {
        return new InstalledServices() {
            @Override
            public boolean present() {
                return true;
            }

            @Override
            public void restartAndAwait() {
                String on = Installation.at(lib).current().toString();
                restartedOn.add(on);
                if (!List.of(good).contains(on)) {
                    throw new IllegalStateException("the orchestrator did not answer");
                }
            }
        };
    }

    @Test
    void anUpdateSwitchesToTheLatestRestartsAndKeepsThePreviousForRollback() throws Exception {
        releases.publish("1.1.0");
        updater(servicesUpOn("1.1.0")).update(Optional.empty(), false);
        assertEquals("1.1.0", Files.readSymbolicLink(lib.resolve("current")).toString());
        assertTrue(Files.isExecutable(lib.resolve("1.1.0/bin/banger")));
        assertTrue(Files.isDirectory(lib.resolve("1.0.0")), "the previous release stays for a rollback");
        assertEquals(List.of("1.1.0"), restartedOn);
        assertEquals(List.of("1.0.0", "1.1.0", "current"), entries(), "no staging left");
    }

    @Test
    void aDryRunVerifiesAndChangesNothing() throws Exception {
        releases.publish("1.1.0");
        updater(servicesUpOn("1.1.0")).update(Optional.empty(), true);
        assertEquals("1.0.0", Files.readSymbolicLink(lib.resolve("current")).toString());
        assertEquals(List.of("1.0.0", "current"), entries());
        assertEquals(List.of(), restartedOn);
        assertTrue(printed.toString().contains("verified banger 1.1.0"), printed.toString());
    }

    @Test
    void servicesThatDoNotComeUpOnTheNewReleaseAreRolledBack() throws Exception {
        releases.publish("1.1.0");
        UserError e = assertThrows(UserError.class, () -> updater(servicesUpOn("1.0.0")).update(Optional.empty(), false));
        assertTrue(e.getMessage().contains("rolled back to 1.0.0"), e.getMessage());
        assertEquals("1.0.0", Files.readSymbolicLink(lib.resolve("current")).toString());
        assertEquals(List.of("1.1.0", "1.0.0"), restartedOn, "restarted on the new release, then on the previous");
    }

    @Test
    void aTamperedArchiveIsRefusedWithNothingChanged() throws Exception {
        Path tar = releases.publish("1.1.0");
        byte[] b = Files.readAllBytes(tar);
        b[b.length / 2] ^= 1;
        Files.write(tar, b);
        UserError e = assertThrows(UserError.class, () -> updater(servicesUpOn("1.1.0")).update(Optional.empty(), false));
        assertTrue(e.getMessage().contains("not the signed"), e.getMessage());
        assertUnchanged();
    }

    @Test
    void aReleaseSignedByAnotherKeyIsRefused() throws Exception {
        releases.publish("1.1.0");
        FakeReleases other = new FakeReleases(tmp.resolve("other"));
        Updater u = new Updater(Installation.of(lib.resolve("1.0.0")), releases.source(), other.releaseKey(),
                servicesUpOn("1.1.0"), new PrintStream(printed, true));
        UserError e = assertThrows(UserError.class, () -> u.update(Optional.empty(), false));
        assertTrue(e.getMessage().contains("not signed by the release key"), e.getMessage());
        assertUnchanged();
    }

    @Test
    void anArchiveWithALinkOrAPathOutsideItsDirectoryIsRefused() throws Exception {
        releases.publish("1.1.0", t -> {
            try {
                TarArchiveEntry link = new TarArchiveEntry("banger-1.1.0/lib", TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("/etc");
                t.putArchiveEntry(link);
                t.closeArchiveEntry();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThrows(UserError.class, () -> updater(servicesUpOn("1.1.0")).update(Optional.empty(), false));
        assertUnchanged();
        releases.publish("1.2.0", t -> FakeReleases.file(t, "banger-1.2.0/../../escaped", "x", 0644));
        assertThrows(UserError.class, () -> updater(servicesUpOn("1.2.0")).update(Optional.empty(), false));
        assertUnchanged();
        assertFalse(Files.exists(lib.resolve("escaped")) || Files.exists(lib.getParent().resolve("escaped")));
    }

    @Test
    void aHardLinkToAFileOfTheSameArchiveUnpacksAsThatFile() throws Exception {
        releases.publish("1.1.0", t -> {
            FakeReleases.file(t, "banger-1.1.0/orchestrator/lib/shared.jar", "jar bytes", 0644);
            hardLink(t, "banger-1.1.0/net-service/lib/shared.jar", "banger-1.1.0/orchestrator/lib/shared.jar");
        });
        updater(servicesUpOn("1.1.0")).update(Optional.empty(), false);
        assertEquals("jar bytes", Files.readString(lib.resolve("1.1.0/net-service/lib/shared.jar")));
    }

    @Test
    void aHardLinkToAnythingButAFileUnpackedBeforeItIsRefused() throws Exception {
        releases.publish("1.1.0", t -> hardLink(t, "banger-1.1.0/shadow", "/etc/shadow"));
        assertThrows(UserError.class, () -> updater(servicesUpOn("1.1.0")).update(Optional.empty(), false));
        assertUnchanged();
        releases.publish("1.2.0", t -> hardLink(t, "banger-1.2.0/later", "banger-1.2.0/not-yet-there"));
        UserError e = assertThrows(UserError.class, () -> updater(servicesUpOn("1.2.0")).update(Optional.empty(), false));
        assertTrue(e.getMessage().contains("not a file unpacked before it"), e.getMessage());
        assertUnchanged();
    }

    private static void hardLink(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream t, String name,
            String original) {
        try {
            TarArchiveEntry link = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
            link.setLinkName(original);
            t.putArchiveEntry(link);
            t.closeArchiveEntry();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anUnknownVersionFailsBeforeAnythingIsFetched() throws Exception {
        UserError e = assertThrows(UserError.class,
                () -> updater(servicesUpOn("9.9.9")).update(Optional.of(ReleaseVersion.parse("v9.9.9")), false));
        assertTrue(e.getMessage().contains("there is no release 9.9.9 (releases: 1.0.0)"), e.getMessage());
        assertUnchanged();
    }

    @Test
    void theLatestIsTheHighestStableVersion_preReleasesOrderBelowTheirRelease() {
        assertTrue(ReleaseVersion.parse("1.10.0").compareTo(ReleaseVersion.parse("1.9.3")) > 0);
        assertTrue(ReleaseVersion.parse("2.0.0-rc.1").compareTo(ReleaseVersion.parse("2.0.0")) < 0);
        assertFalse(ReleaseVersion.parse("2.0.0-rc.1").stable());
        assertThrows(UserError.class, () -> ReleaseVersion.parse("1.2"));
        assertThrows(UserError.class, () -> ReleaseVersion.parse("1.2.3;rm"));
    }

    private void assertUnchanged() throws Exception {
        assertEquals("1.0.0", Files.readSymbolicLink(lib.resolve("current")).toString());
        assertEquals(List.of("1.0.0", "current"), entries(), "nothing staged or left behind");
        assertEquals(List.of(), restartedOn);
    }

    private List<String> entries() throws Exception {
        try (Stream<Path> s = Files.list(lib)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
