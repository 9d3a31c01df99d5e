package dev.banger.cli.daemon;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the service jars: BANGER_DIST (set by bin/banger) names either a source
 * checkout, with jars under MODULE/target/quarkus-app, or an install, with jars
 * under MODULE/.
 */
public final class Distribution {
    private final Path root;

    public Distribution(Path root) {
        this.root = root;
    }

    public static Distribution locate() {
        String dist = System.getenv("BANGER_DIST");
        if (dist == null || dist.isBlank()) {
            dist = System.getProperty("banger.dist");
        }
        if (dist == null || dist.isBlank()) {
            throw new UserError(ErrorKind.BAD_REQUEST,
                    "cannot find the banger services: set BANGER_DIST to the banger checkout or install directory"
                            + " (bin/banger sets it)");
        }
        return new Distribution(Path.of(dist).toAbsolutePath());
    }

    /** The checkout or the installed release directory. */
    public Path root() {
        return root;
    }

    /** The command users run: bin/banger of this distribution (what ssh's ProxyCommand calls). */
    public Path launcher() {
        return root.resolve("bin/banger");
    }

    /** The guest agent jar images are built with, if this distribution has one. */
    public Optional<Path> guestAgentJar() {
        for (Path dir : List.of(root.resolve("guest-agent/target"), root.resolve("guest-agent"))) {
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    Optional<Path> jar = files.filter(p -> p.getFileName().toString().matches("guest-agent.*\\.jar"))
                            .sorted().findFirst();
                    if (jar.isPresent()) {
                        return jar;
                    }
                } catch (java.io.IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    public Path jar(Service service) {
        Path built = root.resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
        if (Files.isRegularFile(built)) {
            return built;
        }
        Path installed = root.resolve(service.module()).resolve("quarkus-run.jar");
        if (Files.isRegularFile(installed)) {
            return installed;
        }
        throw new UserError(ErrorKind.NOT_FOUND, "no jar for " + service.module() + " at " + built + " or " + installed
                + "; build it with: ./mvnw -q package -DskipTests");
    }
}
