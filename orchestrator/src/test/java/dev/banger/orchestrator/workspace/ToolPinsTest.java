package dev.banger.orchestrator.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RUN-6: the pins each ecosystem's own file makes, as mise tool@version. */
class ToolPinsTest {
    @TempDir
    Path repo;

    private List<String> pins() {
        return ToolPins.detect(repo).stream().map(p -> p.spec() + " " + p.source()).toList();
    }

    @Test
    void eachPinFileGivesItsTool() throws IOException {
        Files.writeString(repo.resolve("go.mod"), "module example.com/m\n\ngo 1.22\n\ntoolchain go1.22.3\n");
        Files.writeString(repo.resolve("package.json"), "{\"name\":\"x\",\"engines\":{\"node\":\">=20.11 <23\"}}");
        Files.writeString(repo.resolve("rust-toolchain.toml"), "[toolchain]\nchannel = \"1.79.0\"\n");
        Files.writeString(repo.resolve(".python-version"), "3.12.4\n");
        assertEquals(List.of("go@1.22.3 go.mod", "node@20.11 package.json", "rust@1.79.0 rust-toolchain.toml",
                "python@3.12.4 .python-version"), pins());
    }

    @Test
    void miseFilesComeFirstAndWinForTheirTools() throws IOException {
        Files.writeString(repo.resolve(".mise.toml"), "[tools]\nnode = \"22\"\nterraform = [\"1.9.0\", \"1.8\"]\n");
        Files.writeString(repo.resolve(".tool-versions"), "# pinned\nnodejs 18.0.0\nruby 3.3.0 # comment\n");
        Files.writeString(repo.resolve("package.json"), "{\"engines\":{\"node\":\"^16\"}}");
        assertEquals(List.of("node@22 .mise.toml", "terraform@1.9.0 .mise.toml", "nodejs@18.0.0 .tool-versions",
                "ruby@3.3.0 .tool-versions"), pins());
    }

    @Test
    void unreadableOrHostileFilesPinNothing() throws IOException {
        Files.writeString(repo.resolve("package.json"), "{not json");
        Files.writeString(repo.resolve(".mise.toml"), "[tools\nbroken");
        Files.writeString(repo.resolve(".python-version"), "3.12; rm -rf /\n");
        Files.writeString(repo.resolve(".tool-versions"), "node $(reboot)\n");
        assertEquals(List.of(), pins());
    }

    @Test
    void aGoModWithoutToolchainPinsItsGoLine() {
        assertEquals("go@1.21", ToolPins.goMod("module m\n\ngo 1.21\n").orElseThrow().spec());
        assertEquals(java.util.Optional.empty(), ToolPins.goMod("module m\n"));
    }
}
