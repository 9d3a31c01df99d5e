package dev.banger.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.cli.output.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BangerConfigTest {
    @TempDir
    Path tmp;

    @Test
    void settingsBecomeTheServicesPropertiesWithTheUsersFileWinning() throws Exception {
        Path system = Files.writeString(tmp.resolve("system.properties"), "vmm = qemu\nvm.vcpu = 4\n");
        Path user = Files.writeString(tmp.resolve("user.properties"),
                "# mine\nvm.vcpu=1\nvm.disk-size = 16G\nlog.level = debug\nnet.gateway = 10.9.0.1/24\n");
        BangerConfig c = BangerConfig.load(List.of(system, user, tmp.resolve("absent.properties")));
        assertEquals(List.of(system, user), c.files());
        assertEquals(Map.of("vmm", "qemu", "vm.vcpu", "1", "vm.disk-size", Long.toString(16L << 30),
                "log.level", "DEBUG", "net.gateway", "10.9.0.1/24"), c.settings());
        // The services read these files themselves (SettingsConfigSource): they are told which.
        assertEquals(List.of("-Dbanger.config.files=" + system + ":" + user), c.serviceFlags());
    }

    @Test
    void bangerVmmOverridesTheFileAndIsCheckedLikeIt() throws Exception {
        Path f = Files.writeString(tmp.resolve("c.properties"), "vmm = firecracker\n");
        BangerConfig c = BangerConfig.load(List.of(f));
        assertEquals("qemu", c.withEnvironment(Map.of("BANGER_VMM", "qemu")).get("vmm").orElseThrow());
        assertEquals("firecracker", c.withEnvironment(Map.of()).get("vmm").orElseThrow());
        UserError e = assertThrows(UserError.class, () -> c.withEnvironment(Map.of("BANGER_VMM", "xen")));
        assertTrue(e.getMessage().startsWith("BANGER_VMM = 'xen'"), e.getMessage());
    }

    @Test
    void noFileMeansDefaults() {
        BangerConfig c = BangerConfig.load(List.of(tmp.resolve("none")));
        assertTrue(c.settings().isEmpty() && c.files().isEmpty());
        assertEquals(List.of("-Dbanger.config.files="), c.serviceFlags(), "and the services read no file either");
    }

    @Test
    void anUnknownKeyOrABadValueIsRefusedNamingTheFileAndTheKey() throws Exception {
        for (String[] bad : new String[][] {
                {"vmm = bhyve", "vmm = 'bhyve': must be one of auto, firecracker, qemu"},
                {"vm.vcpu = 0", "vm.vcpu = '0': must be a whole number from 1 to 64"},
                {"vm.disk-size = lots", "must be a size like 512M or 8G"},
                {"net.gateway = 10.0.0.1", "net.gateway = '10.0.0.1'"},
                {"net.bridge = eth0;rm", "must be an interface name"},
                {"vm.cpus = 2", "unknown setting 'vm.cpus'; known: vmm, vmm.accel"}}) {
            Path f = Files.writeString(tmp.resolve("c.properties"), bad[0] + "\n");
            UserError e = assertThrows(UserError.class, () -> BangerConfig.load(List.of(f)), bad[0]);
            assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains(bad[1]), e.getMessage());
        }
    }

    @Test
    void aDevHomeReadsOnlyItsOwnFile() throws Exception {
        BangerPaths paths = BangerPaths.from(Map.of("BANGER_HOME", tmp.toString()));
        Files.createDirectories(paths.configDir());
        Files.writeString(paths.configDir().resolve("config.properties"), "vmm = qemu\n");
        BangerConfig c = BangerConfig.load(paths, true);
        assertEquals(List.of(paths.configDir().resolve("config.properties")), c.files());
    }
}
