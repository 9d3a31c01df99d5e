package dev.banger.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsConfigSourceTest {
    @TempDir
    Path tmp;

    @Test
    void aServiceSeesTheFilesSettingsAsItsProperties_theUsersWinning() throws Exception {
        Path system = Files.writeString(tmp.resolve("system.properties"), "vm.vcpu = 4\nlog.level = warn\n");
        Path user = Files.writeString(tmp.resolve("user.properties"), "vm.vcpu = 3\nvm.disk-size = 1G\n");
        SettingsConfigSource s = new SettingsConfigSource(List.of(system, user, tmp.resolve("absent")));
        assertEquals(Map.of("banger.vm.vcpu", "3", "quarkus.log.level", "WARN", "banger.vm.disk-bytes",
                Long.toString(1L << 30)), s.getProperties());
        assertTrue(s.getOrdinal() > 250 && s.getOrdinal() < 400, "above application.properties, below -D flags");
    }

    @Test
    void aBadFileStopsTheServiceNamingTheFileAndTheKey() throws Exception {
        Path f = Files.writeString(tmp.resolve("c.properties"), "vm.vcpus = 3\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SettingsConfigSource(List.of(f)));
        assertTrue(e.getMessage().contains(f + ": unknown setting 'vm.vcpus'"), e.getMessage());
        Path g = Files.writeString(tmp.resolve("d.properties"), "net.nat = pf\n");
        e = assertThrows(IllegalStateException.class, () -> new SettingsConfigSource(List.of(g)));
        assertTrue(e.getMessage().contains(g + ": net.nat = 'pf': must be one of auto, nftables, iptables"),
                e.getMessage());
    }

    @Test
    void aFileThatIsThereButCannotBeReadIsAnError_notAnEmptyConfig() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Path f = Files.writeString(conf.resolve("config.properties"), "vm.vcpu = 3\n");
        Path dir = Files.createDirectories(tmp.resolve("adir.properties"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SettingsConfigSource(List.of(dir)));
        assertTrue(e.getMessage().contains(dir + ": cannot read it"), e.getMessage());
        assertEquals(Map.of("banger.vm.vcpu", "3"), new SettingsConfigSource(List.of(f)).getProperties());
    }

    @Test
    void rootServicesReadOnlyTheSystemFile_othersTheOwnersToo_devModeNamesItsFiles() {
        Path home = Path.of("/home/dev");
        assertEquals(List.of(Settings.SYSTEM_FILE), SettingsConfigSource.defaultFiles(null, true, home));
        assertEquals(List.of(Settings.SYSTEM_FILE, home.resolve(".config/banger/config.properties")),
                SettingsConfigSource.defaultFiles(null, false, home));
        assertEquals(List.of(Path.of("/b/config/config.properties")),
                SettingsConfigSource.defaultFiles("/b/config/config.properties", true, home));
        assertEquals(List.of(), SettingsConfigSource.defaultFiles("", false, home));
    }
}
