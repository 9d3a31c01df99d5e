package dev.banger.cli.sshconfig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NET-5: banger's block goes in and comes out without touching anything else. */
class SshConfigFileTest {
    @TempDir
    Path home;

    SshConfigBlock block() {
        return new SshConfigBlock(Path.of("/st ate/ssh/id_ed25519"), Path.of("/state/ssh/known_hosts"),
                Path.of("/opt/banger/bin/banger"), Optional.of(Path.of("/tmp/bh it's")));
    }

    @Test
    void installAppendsIsIdempotentAndUninstallGivesBackTheSameBytes() throws Exception {
        Path config = Files.createDirectories(home.resolve(".ssh")).resolve("config");
        byte[] original = "Host work\n  HostName 10.0.0.1\n  User me".getBytes(); // no final newline
        Files.write(config, original);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));
        SshConfigFile file = new SshConfigFile(config);
        assertEquals(SshConfigFile.Change.ADDED, file.install(block()));
        String text = Files.readString(config);
        assertTrue(text.startsWith("Host work\n  HostName 10.0.0.1\n  User me\n"), text);
        assertTrue(text.contains("Host *.vm\n    User root\n    IdentityFile \"/st ate/ssh/id_ed25519\"\n"), text);
        assertTrue(text.contains("    PreferredAuthentications publickey\n"), text);
        assertTrue(text.contains("    ProxyCommand env 'BANGER_HOME=/tmp/bh it'\\''s' '/opt/banger/bin/banger' vm ssh-proxy %h %p\n"),
                text);
        assertEquals(SshConfigFile.Change.UNCHANGED, file.install(block()));
        assertEquals(text, Files.readString(config), "a second install changes nothing");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertEquals(SshConfigFile.Change.REMOVED, file.uninstall());
        assertArrayEquals(original, Files.readAllBytes(config));
        assertEquals(SshConfigFile.Change.ABSENT, file.uninstall());
    }

    @Test
    void withoutAnSshDirectoryItIsMadePrivateAndUninstallLeavesNoFile() throws Exception {
        Path config = home.resolve(".ssh/config");
        SshConfigFile file = new SshConfigFile(config);
        file.install(block());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        file.uninstall();
        assertFalse(Files.exists(config));
    }

    @Test
    void aSymlinkedConfigIsChangedWhereItPointsAndStaysALink() throws Exception {
        Path real = Files.writeString(home.resolve("dotfiles-ssh-config"), "Host a\n");
        Path config = Files.createDirectories(home.resolve(".ssh")).resolve("config");
        Files.createSymbolicLink(config, real);
        SshConfigFile file = new SshConfigFile(config);
        file.install(block());
        assertTrue(Files.isSymbolicLink(config));
        assertTrue(Files.readString(real).contains("Host *.vm"));
        file.uninstall();
        assertEquals("Host a\n", Files.readString(real));
    }

    @Test
    void anOlderBlockIsReplacedNotDuplicated() throws Exception {
        Path config = Files.createDirectories(home.resolve(".ssh")).resolve("config");
        SshConfigFile file = new SshConfigFile(config);
        file.install(new SshConfigBlock(Path.of("/old/key"), Path.of("/old/kh"), Path.of("/old/banger"), Optional.empty()));
        Files.writeString(config, Files.readString(config) + "Host after\n");
        assertEquals(SshConfigFile.Change.UPDATED, file.install(block()));
        String text = Files.readString(config);
        assertFalse(text.contains("/old/"), text);
        assertEquals(1, text.split("\nHost \\*\\.vm\n", -1).length - 1, text);
        assertTrue(text.startsWith("Host after\n"), text);
    }
}
