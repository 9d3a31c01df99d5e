package dev.banger.storage.disk;

import dev.banger.common.errors.InvalidArgumentException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loop devices, which only root can attach. losetup opens its file by name, so a name in
 * an owner-writable directory could be swapped for a link to a root-only file; after
 * attaching, the device's backing inode must be a regular file owned by the owner, or it
 * is detached again and the attach refused (SEC-2).
 */
public final class LoopDevices {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CommandRunner root;
    private final int ownerUid;

    public LoopDevices(CommandRunner root, int ownerUid) {
        this.root = root;
        this.ownerUid = ownerUid;
    }

    public record Loop(String device, String backingFile, long backingInode) {
    }

    public String attach(Path file, boolean readOnly) {
        List<String> argv = new ArrayList<>(List.of("losetup", "--find", "--show"));
        if (readOnly) {
            argv.add("--read-only");
        }
        argv.add(file.toString());
        String device = root.check(argv).stdout().strip();
        Loop loop = list().stream().filter(l -> l.device().equals(device)).findFirst().orElse(null);
        if (loop == null || !ownedRegularFile(loop)) {
            detach(device);
            throw new InvalidArgumentException("refusing " + file + ": it is not a regular file of uid " + ownerUid
                    + " (a link or a swapped directory on the way?)");
        }
        return device;
    }

    public void detach(String device) {
        root.run(List.of("losetup", "--detach", device));
    }

    public List<Loop> list() {
        CommandResult r = root.run(List.of("losetup", "--json", "--list", "--output", "NAME,BACK-FILE,BACK-INO"));
        List<Loop> out = new ArrayList<>();
        if (!r.ok() || r.stdout().isBlank()) {
            return out;
        }
        try {
            for (JsonNode d : JSON.readTree(r.stdout()).path("loopdevices")) {
                out.add(new Loop(d.path("name").asText(), d.path("back-file").asText(""),
                        d.path("back-ino").asLong(-1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse losetup output", e);
        }
        return out;
    }

    /** The kernel names the inode it holds by its real path; that path must still be this inode, owned by the owner. */
    private boolean ownedRegularFile(Loop loop) {
        try {
            Path p = Path.of(loop.backingFile());
            return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    && ((Number) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue()
                            == loop.backingInode()
                    && (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) == ownerUid;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
