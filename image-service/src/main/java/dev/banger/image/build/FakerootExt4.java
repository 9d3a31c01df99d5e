package dev.banger.image.build;

import dev.banger.common.exec.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A root-tree tar made into an ext4 file without root (SEC-2): tar unpacks it under
 * fakeroot, which records the tar's owners, setuid bits and device nodes instead of
 * making them, and mkfs.ext4 -d reads the tree under the same fakeroot state, so the
 * filesystem gets them all. The image service runs this as its own (the owner's) user;
 * the stage is a private directory beside the output and is removed whatever happens.
 * Every step runs through the one runner, so all of it happens as the same user.
 */
public final class FakerootExt4 implements Ext4FromTar {
    private static final Duration UNPACK = Duration.ofMinutes(10);
    private static final Duration MKFS = Duration.ofMinutes(10);
    private final CommandRunner run;

    public FakerootExt4(CommandRunner run) {
        this.run = run;
    }

    @Override
    public void build(Path tar, Path output, long sizeBytes, String label) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        Path stage = output.resolveSibling("." + output.getFileName() + ".stage-" + id);
        Path faked = output.resolveSibling("." + output.getFileName() + ".fakeroot-" + id);
        Path tmp = output.resolveSibling("." + output.getFileName() + ".tmp-" + id);
        try {
            run.check("mkdir", "-m", "0700", "--", stage.toString());
            List<String> untar = List.of("fakeroot", "-s", faked.toString(), "--", "tar", "--extract",
                    "--numeric-owner", "--preserve-permissions", "--same-owner", "--file", tar.toString(),
                    "--directory", stage.toString());
            run.run(untar, UNPACK).orThrow(untar);
            List<String> mkfs = List.of("fakeroot", "-i", faked.toString(), "--", "mkfs.ext4", "-q", "-F", "-L", label,
                    "-d", stage.toString(), tmp.toString(), (sizeBytes / 1024) + "k");
            run.run(mkfs, MKFS).orThrow(mkfs);
            run.check("mv", "-T", "-f", "--", tmp.toString(), output.toString());
        } finally {
            // leftovers would carry a temp name and never be read; this removes them anyway
            run.run(List.of("rm", "-rf", "--one-file-system", "--", stage.toString(), faked.toString(), tmp.toString()));
        }
    }
}
