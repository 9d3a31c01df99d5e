package dev.banger.cli;

import dev.banger.proto.common.v1.BuildInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print banger's version, commit and build time.", mixinStandardHelpOptions = true)
public class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        BuildInfo b = dev.banger.common.rpc.BuildInfo.current();
        System.out.println("banger " + b.getVersion());
        release().ifPresent(r -> System.out.println("release: " + r));
        System.out.println("commit: " + b.getCommit());
        System.out.println("built:  " + b.getBuilt());
        return 0;
    }

    /** The release an installed banger runs (its VERSION file); empty in a checkout. */
    static java.util.Optional<String> release() {
        String dist = System.getenv("BANGER_DIST");
        if (dist == null || dist.isBlank()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(java.nio.file.Files.readString(java.nio.file.Path.of(dist, "VERSION")).strip());
        } catch (java.io.IOException | RuntimeException notInstalled) {
            return java.util.Optional.empty();
        }
    }
}
