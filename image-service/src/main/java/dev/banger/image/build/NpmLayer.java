package dev.banger.image.build;

import dev.banger.common.fs.Sha256;
import dev.banger.common.exec.CommandRunner;
import dev.banger.common.fs.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A preset's npm packages as an image layer: installed by the host's npm (the build host
 * reaches the npm registry; the guest need not) into a staging prefix, then laid out
 * under /usr/local as a tar, cached per package list. Its profile script activates mise
 * for root's login shells.
 */
public final class NpmLayer {
    /** mise for login shells (vm ssh, vm run's shell); plain commands find tools through sshd's PATH. */
    static final String MISE_PROFILE = "# banger: mise for login shells (bash activates fully, other shells get the shims)\n"
            + "if command -v mise >/dev/null 2>&1; then\n"
            + "  if [ -n \"${BASH_VERSION:-}\" ]; then eval \"$(mise activate bash)\";"
            + " else PATH=\"$HOME/.local/share/mise/shims:$PATH\"; export PATH; fi\n"
            + "fi\n";

    private final CommandRunner run;
    private final Path cacheDir;

    public NpmLayer(CommandRunner run, Path cacheDir) {
        this.run = run;
        this.cacheDir = cacheDir;
    }

    /** The cached layer tar of a preset's packages, installed first when missing. */
    public Path layer(Preset preset, BiConsumer<String, String> progress) throws IOException {
        List<String> packages = preset.npmPackages();
        String key = Sha256.hex("banger-npm-v1\n" + String.join("\n", packages) + "\n"
                + new java.util.TreeMap<>(preset.portableBinaries()));
        Path tar = cacheDir.resolve("npm-" + key + ".tar");
        synchronized (NpmLayer.class) {
            if (Files.isRegularFile(tar)) {
                progress.accept("npm", "cached " + tar.getFileName());
                return tar;
            }
            progress.accept("npm", String.join(" ", packages));
            Files.createDirectories(cacheDir);
            Path stage = Files.createTempDirectory(cacheDir, ".npm-stage-");
            Path tmp = cacheDir.resolve(".npm-" + key + ".tar.tmp");
            try {
                List<String> argv = new ArrayList<>(List.of("npm", "install", "--global", "--prefix", stage.toString(),
                        "--cache", cacheDir.resolve("npm-cache").toString(), "--no-audit", "--no-fund", "--no-update-notifier",
                        "--loglevel=error"));
                argv.addAll(packages);
                run.run(argv, Duration.ofMinutes(20)).orThrow(argv);
                for (var swap : preset.portableBinaries().entrySet()) {
                    Path target = stage.resolve(swap.getKey());
                    Files.deleteIfExists(target);
                    Files.copy(stage.resolve(swap.getValue()), target, StandardCopyOption.COPY_ATTRIBUTES);
                }
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    write(stage, out);
                }
                Files.move(tmp, tar, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
                FileTrees.deleteTree(stage);
            }
            return tar;
        }
    }

    /** stage/** as ./usr/local/**, owned by root, links kept; plus the mise profile script. */
    static void write(Path stage, OutputStream raw) throws IOException {
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(raw, StandardCharsets.UTF_8.name());
                var walk = Files.walk(stage)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = stage.relativize(p).toString();
                if (rel.isEmpty() || rel.startsWith("etc")) {
                    continue; // npm's own prefix config stays out
                }
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String name = "./usr/local/" + rel;
                TarArchiveEntry e;
                if (a.isSymbolicLink()) {
                    e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(p).toString());
                } else if (a.isDirectory()) {
                    e = new TarArchiveEntry(name + "/");
                    e.setMode(040000 | dev.banger.common.fs.FileModes.bits(a.permissions()));
                } else if (a.isRegularFile()) {
                    e = new TarArchiveEntry(name);
                    e.setMode(0100000 | dev.banger.common.fs.FileModes.bits(a.permissions()));
                    e.setSize(a.size());
                } else {
                    continue;
                }
                e.setIds(0, 0);
                out.putArchiveEntry(e);
                if (a.isRegularFile()) {
                    try (InputStream in = Files.newInputStream(p)) {
                        in.transferTo(out);
                    }
                }
                out.closeArchiveEntry();
            }
            byte[] profile = MISE_PROFILE.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry("./etc/profile.d/banger-mise.sh");
            e.setMode(0100644);
            e.setSize(profile.length);
            e.setIds(0, 0);
            out.putArchiveEntry(e);
            out.write(profile);
            out.closeArchiveEntry();
            out.finish();
        }
    }
}
