package dev.banger.orchestrator.workspace;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.CommandRunner;
import dev.banger.common.exec.StreamingCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A git repository on the host, read with git itself (never parsed by hand): what is
 * tracked, what the working tree changed, the shallow window of a commit and its pack.
 * Every read is bounded in time; nothing here writes to the repository.
 */
public final class HostRepo {
    private static final Duration GIT_TIMEOUT = Duration.ofSeconds(60);
    /** git ls-files --stage modes. */
    static final String SUBMODULE_MODE = "160000";

    /** One tracked file: its path and git mode (100644, 100755, 120000 symlink, 160000 submodule). */
    public record Tracked(String path, String mode) {
    }

    /** What the working tree changed against HEAD: paths to send as they are, and paths deleted. */
    public record Changes(List<String> changed, List<String> deleted) {
    }

    private final CommandRunner run;
    private final Path root;

    private HostRepo(CommandRunner run, Path root) {
        this.run = run;
        this.root = root;
    }

    /**
     * The repository enclosing path. A path that does not exist, one outside any
     * repository, a bare repository and one without commits are clear errors.
     */
    public static HostRepo enclosing(Path path, CommandRunner run) {
        if (!path.isAbsolute()) {
            throw new InvalidArgumentException("the host path must be absolute, got " + path);
        }
        if (!Files.exists(path)) {
            throw new InvalidArgumentException("no such file or directory: " + path);
        }
        Path dir = Files.isDirectory(path) ? path : path.getParent();
        CommandResult bare = run.run(List.of("git", "-C", dir.toString(), "rev-parse", "--is-bare-repository"),
                GIT_TIMEOUT);
        if (!bare.ok()) {
            throw new InvalidArgumentException(path + " is not inside a git repository");
        }
        if (bare.stdout().strip().equals("true")) {
            throw new InvalidArgumentException(path + " is a bare repository: it has no working tree to put in a VM;"
                    + " clone it and prepare the clone");
        }
        CommandResult top = run.run(List.of("git", "-C", dir.toString(), "rev-parse", "--show-toplevel"), GIT_TIMEOUT);
        if (!top.ok() || top.stdout().isBlank()) {
            throw new InvalidArgumentException(path + " is inside a git directory, not a working tree");
        }
        HostRepo repo = new HostRepo(run, Path.of(top.stdout().strip()));
        if (!repo.git("rev-parse", "--verify", "-q", "HEAD^{commit}").ok()) {
            throw new InvalidArgumentException("the repository at " + repo.root + " has no commits yet: commit once,"
                    + " then prepare it");
        }
        return repo;
    }

    public Path root() {
        return root;
    }

    /** A commit id for rev, or a clear error naming it. */
    public String commit(String rev) {
        CommandResult r = git("rev-parse", "--verify", "-q", rev + "^{commit}");
        if (!r.ok()) {
            throw new InvalidArgumentException("'" + rev + "' is not a commit of the repository at " + root);
        }
        return r.stdout().strip();
    }

    /** The checked-out branch; empty when HEAD is detached. */
    public Optional<String> branch() {
        CommandResult r = git("symbolic-ref", "--short", "-q", "HEAD");
        return r.ok() && !r.stdout().isBlank() ? Optional.of(r.stdout().strip()) : Optional.empty();
    }

    public Optional<String> origin() {
        return config("remote.origin.url", "--get");
    }

    /** The repository's own user.name and user.email (not the global ones), when set. */
    public Optional<String> localConfig(String key) {
        return config(key, "--local", "--get");
    }

    private Optional<String> config(String key, String... how) {
        List<String> argv = new ArrayList<>(List.of("config"));
        argv.addAll(List.of(how));
        argv.add(key);
        CommandResult r = git(argv.toArray(String[]::new));
        return r.ok() && !r.stdout().isBlank() ? Optional.of(r.stdout().strip()) : Optional.empty();
    }

    /** Every path in the index, with its mode. */
    public List<Tracked> tracked() {
        List<Tracked> out = new ArrayList<>();
        for (String entry : nulSeparated(check("ls-files", "--stage", "-z").stdout())) {
            // "MODE OID STAGE\tPATH"; a conflicted path has several stages: keep one
            int tab = entry.indexOf('\t');
            String path = entry.substring(tab + 1);
            if (out.isEmpty() || !out.get(out.size() - 1).path().equals(path)) {
                out.add(new Tracked(path, entry.substring(0, entry.indexOf(' '))));
            }
        }
        return out;
    }

    /** Tracked paths, with the files of submodules in place of the submodules (full_copy's view). */
    public List<String> trackedWithSubmodules() {
        return nulSeparated(check("ls-files", "-z", "--recurse-submodules").stdout());
    }

    /**
     * The .git files of checked-out submodules, nested ones included (each points into
     * the superproject's .git/modules): full_copy sends them so the copies stay repositories.
     */
    public List<String> submoduleGitFiles() {
        List<String> out = new ArrayList<>();
        for (Tracked t : tracked()) {
            Path sub = root.resolve(t.path());
            if (t.mode().equals(SUBMODULE_MODE) && Files.isRegularFile(sub.resolve(".git"))) {
                out.add(t.path() + "/.git");
                new HostRepo(run, sub).submoduleGitFiles().forEach(nested -> out.add(t.path() + "/" + nested));
            }
        }
        return out;
    }

    /** Every file of a commit's tree. */
    public List<String> filesAt(String commit) {
        return nulSeparated(check("ls-tree", "-r", "-z", "--name-only", commit).stdout());
    }

    /** Untracked files git does not ignore. Ignored files are never listed. */
    public List<String> untracked() {
        return nulSeparated(check("ls-files", "-z", "--others", "--exclude-standard").stdout());
    }

    /**
     * The working tree against commit: paths whose content, mode or type differ (staged or
     * not, renames as a delete and an add) and paths the host deleted.
     */
    public Changes changesAgainst(String commit) {
        List<String> fields = nulSeparated(check("diff", commit, "--name-status", "-z", "--no-renames",
                "--ignore-submodules=all", "--no-ext-diff").stdout());
        List<String> changed = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            String status = fields.get(i);
            String path = fields.get(i + 1);
            if (status.startsWith("D")) {
                deleted.add(path);
            } else {
                changed.add(path);
            }
        }
        return new Changes(changed, deleted);
    }

    /**
     * The shallow window of commit: the commits whose parents a depth-limited clone cuts
     * off (git's depth: breadth first, the commit itself is depth 1). Commits the host's
     * own clone is shallow at count too.
     */
    public Set<String> shallowBoundary(String commit, int depth) {
        Set<String> hostShallow = hostShallow();
        Set<String> seen = new LinkedHashSet<>(List.of(commit));
        List<String> level = List.of(commit);
        Set<String> boundary = new LinkedHashSet<>();
        for (int d = 1; d <= depth && !level.isEmpty(); d++) {
            Map<String, List<String>> parents = parents(level);
            List<String> next = new ArrayList<>();
            for (String c : level) {
                List<String> ps = parents.getOrDefault(c, List.of());
                if (hostShallow.contains(c)) {
                    boundary.add(c);
                } else if (d == depth) {
                    if (!ps.isEmpty()) {
                        boundary.add(c);
                    }
                } else {
                    for (String p : ps) {
                        if (seen.add(p)) {
                            next.add(p);
                        }
                    }
                }
            }
            level = next;
        }
        return boundary;
    }

    private Map<String, List<String>> parents(List<String> commits) {
        List<String> argv = new ArrayList<>(List.of("rev-list", "--parents", "--no-walk=unsorted"));
        argv.addAll(commits);
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : check(argv.toArray(String[]::new)).stdout().split("\n")) {
            if (!line.isBlank()) {
                String[] ids = line.strip().split(" ");
                out.put(ids[0], List.of(ids).subList(1, ids.length));
            }
        }
        return out;
    }

    private Set<String> hostShallow() {
        Path file = root.resolve(check("rev-parse", "--git-path", "shallow").stdout().strip());
        try {
            return Files.exists(file) ? new LinkedHashSet<>(Files.readAllLines(file)) : Set.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
    }

    /** A pack and its index, written by the host's git: the guest takes them as files. */
    public record PackFiles(Path dir, List<String> names) {
    }

    /** A pack of a whole shallow window takes longer than one git call on the host's checkout. */
    private static final Duration PACK_TIMEOUT = Duration.ofMinutes(10);

    /**
     * A pack of commit's shallow window, with its index, written into dir: the commits
     * down to the boundary (treated as having no parents, as upload-pack does for a shallow
     * fetch), with every tree and blob they reach. The index is the host's work: in the
     * emulated guest, `git index-pack` (inflating and hashing every object) took ~6 s of a
     * 11 s prepare for the benchmark's repository.
     */
    public PackFiles packInto(String commit, Set<String> boundary, Path dir) throws java.io.IOException {
        List<String> argv = List.of("git", "-C", root.toString(), "--shallow-file", "", "pack-objects", "--revs", "-q",
                "--delta-base-offset", dir.resolve("pack").toString());
        StringBuilder revs = new StringBuilder();
        boundary.forEach(b -> revs.append("--shallow ").append(b).append('\n'));
        revs.append(commit).append('\n');
        String hash;
        try (StreamingCommand pack = run.start(argv)) {
            try (var in = pack.stdin()) {
                in.write(revs.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            // git prints the pack's name (one line), then exits: bounded by the wait below.
            hash = new String(pack.stdout().readNBytes(128), java.nio.charset.StandardCharsets.US_ASCII).strip();
            pack.finish(PACK_TIMEOUT);
        }
        if (!hash.matches("[0-9a-f]{40,64}")) {
            throw new java.io.IOException("git pack-objects named its pack '" + hash + "'");
        }
        List<String> names = new ArrayList<>();
        try (var files = Files.list(dir)) {
            // .pack, .idx and, from newer gits, .rev: the index last, so that a guest never
            // has an index whose pack is not whole yet.
            files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("pack-" + hash + "."))
                    .sorted(java.util.Comparator.comparing((String n) -> n.endsWith(".idx")).thenComparing(n -> n))
                    .forEach(names::add);
        }
        if (!names.contains("pack-" + hash + ".pack") || !names.contains("pack-" + hash + ".idx")) {
            throw new java.io.IOException("git pack-objects wrote no pack and index named " + hash + " in " + dir);
        }
        return new PackFiles(dir, names);
    }

    /**
     * Changes whenever the checkout does: HEAD, the index, and the size, mode and mtime
     * of every path git reports as changed or untracked (VM-10's stale warning).
     */
    public String fingerprint() {
        StringBuilder s = new StringBuilder(check("rev-parse", "HEAD").stdout());
        String status = check("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames").stdout();
        s.append(status);
        for (String entry : nulSeparated(status)) {
            Path p = root.resolve(entry.length() > 3 ? entry.substring(3) : entry);
            try {
                var a = Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                s.append(a.size()).append(' ').append(a.lastModifiedTime().toMillis()).append(' ')
                        .append(a.permissions()).append('\n');
            } catch (java.io.IOException e) {
                s.append("-\n");
            }
        }
        return dev.banger.common.fs.Sha256.hex(s.toString());
    }

    private CommandResult git(String... args) {
        return run.run(argv(args), GIT_TIMEOUT);
    }

    private CommandResult check(String... args) {
        return git(args).orThrow(argv(args));
    }

    private List<String> argv(String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", root.toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    static List<String> nulSeparated(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split("\0")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }
}
