package dev.banger.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BangerPathsTest {
    @Test
    void bangerHomeHoldsEverything() {
        BangerPaths p = BangerPaths.from(Map.of("BANGER_HOME", "/tmp/bh", "HOME", "/home/u",
                "XDG_RUNTIME_DIR", "/run/user/1000"));
        assertEquals(Path.of("/tmp/bh/state"), p.stateDir());
        assertEquals(Path.of("/tmp/bh/run/orchestrator.sock"), p.orchestratorSocket());
        assertEquals(Path.of("/tmp/bh/logs/net.log"), p.log("net"));
        assertEquals(Path.of("/tmp/bh/run/image.pid"), p.pidFile("image"));
    }

    @Test
    void xdgDirectoriesOtherwise() {
        BangerPaths p = BangerPaths.from(Map.of("HOME", "/home/u", "XDG_RUNTIME_DIR", "/run/user/1000",
                "XDG_STATE_HOME", "/home/u/st"));
        assertEquals(Path.of("/home/u/st/banger"), p.stateDir());
        assertEquals(Path.of("/run/user/1000/banger"), p.runDir());
        assertEquals(Path.of("/home/u/st/banger/orchestrator.db"), p.orchestratorStore());
        assertEquals(Path.of("/home/u/.config/banger"), p.configDir());
    }

    @Test
    void defaultsFollowTheXdgSpecWhenNothingIsSet() {
        BangerPaths p = BangerPaths.from(Map.of("HOME", "/home/u"));
        assertEquals(Path.of("/home/u/.local/state/banger"), p.stateDir());
        assertEquals(Path.of("/home/u/.local/state/banger/run"), p.runDir());
    }
}
