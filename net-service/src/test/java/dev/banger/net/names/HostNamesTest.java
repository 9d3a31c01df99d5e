package dev.banger.net.names;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.exec.RecordingRunner;
import dev.banger.common.ip.Ipv4Cidr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostNamesTest {
    static final Ipv4Cidr SUBNET = Ipv4Cidr.parse("172.16.0.1/24");
    @TempDir
    Path dir;

    HostNames hostsFile(Path file, Path seed) {
        return new HostNames(NameMethod.HOSTS_FILE, "banger0", SUBNET, file, seed, new RecordingRunner());
    }

    @Test
    void aNamespacesHostsFileStartsAsTheHostsAndGetsOneLinePerVm() throws Exception {
        Path seed = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
        Path file = dir.resolve("netns/t1/hosts");
        hostsFile(file, seed).publish(Map.of("calm-otter", "172.16.0.3", "a", "172.16.0.2"), "127.0.0.1:42069");
        String text = Files.readString(file);
        assertTrue(text.startsWith("127.0.0.1 localhost\n# >>> banger"), text);
        assertTrue(text.contains("\n172.16.0.2 a.vm\n172.16.0.3 calm-otter.vm\n# <<< banger"), text);
        assertEquals("127.0.0.1 localhost\n", Files.readString(seed), "the host's own file is never written");
    }

    @Test
    void aNewTableReplacesTheOldAndWithdrawGivesTheFileBackByteForByte() throws Exception {
        String original = "127.0.0.1 localhost\n::1 ip6-localhost"; // no final newline
        Path file = Files.writeString(dir.resolve("hosts"), original);
        HostNames names = hostsFile(file, file);
        names.publish(Map.of("one", "172.16.0.2"), "127.0.0.1:42069");
        names.publish(Map.of("two", "172.16.0.4"), "127.0.0.1:42069");
        String text = Files.readString(file);
        assertFalse(text.contains("one.vm"), text);
        assertTrue(text.contains("172.16.0.4 two.vm"), text);
        names.withdraw();
        assertEquals(original, Files.readString(file));
    }

    @Test
    void badNamesAndAddressesOutsideTheSubnetChangeNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
        HostNames names = hostsFile(file, file);
        assertThrows(InvalidArgumentException.class,
                () -> names.publish(Map.of("evil\n1.2.3.4 bank.example", "172.16.0.2"), "127.0.0.1:42069"));
        assertThrows(InvalidArgumentException.class, () -> names.publish(Map.of("ok", "10.0.0.1"), "127.0.0.1:42069"));
        assertEquals("127.0.0.1 localhost\n", Files.readString(file));
    }

    @Test
    void whereResolvedRunsTheBridgeLinkSendsVmQueriesToTheListenerAndIsRevertedAtStop() {
        RecordingRunner run = new RecordingRunner();
        HostNames names = new HostNames(NameMethod.RESOLVED, "banger0", SUBNET, dir.resolve("x"), dir.resolve("y"), run);
        names.publish(Map.of("one", "172.16.0.2"), "127.0.0.1:42069");
        names.withdraw();
        assertEquals(List.of(List.of("resolvectl", "dns", "banger0", "127.0.0.1:42069"),
                List.of("resolvectl", "domain", "banger0", "~vm"), List.of("resolvectl", "revert", "banger0")),
                run.calls());
        assertThrows(InvalidArgumentException.class, () -> names.publish(Map.of(), "8.8.8.8:53"));
    }

    @Test
    void autoPicksResolvedOnlyWhereItRuns() throws Exception {
        assertEquals(NameMethod.HOSTS_FILE, HostNames.choose(NameMethod.AUTO, dir.resolve("absent")));
        assertEquals(NameMethod.RESOLVED, HostNames.choose(NameMethod.AUTO, Files.createFile(dir.resolve("sock"))));
        assertEquals(NameMethod.OFF, HostNames.choose(NameMethod.OFF, dir.resolve("sock")));
        assertEquals(Path.of("/etc/netns/banger-t-1/hosts"), HostNames.hostsFileFor(Optional.of("banger-t-1")));
        assertEquals(Path.of("/etc/hosts"), HostNames.hostsFileFor(Optional.empty()));
    }
}
