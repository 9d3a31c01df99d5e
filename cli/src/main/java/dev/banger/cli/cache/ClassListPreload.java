package dev.banger.cli.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Widens a start-up cache beyond the one command that trained it. An installed release's
 * CLI writes its cache (JDK 17: AppCDS archive, 25: AOT cache) as root's first run exits,
 * and the cache holds the classes that run loaded: trained by `system install`, it lacked
 * gRPC, Netty and Jackson, and `system status` in an emulated guest took 18 s instead of 7.
 * The release ships the class list of the build's own training (scripts/train-cli-cache);
 * the launcher names it in {@value #PROPERTY} on a training run only, and every class in it
 * is loaded and linked, not initialised, as the JVM exits, before it writes the cache.
 */
public final class ClassListPreload {
    public static final String PROPERTY = "banger.cli.preload";

    private ClassListPreload() {
    }

    /** On a training run: loads the named list's classes at exit. A run without the property is untouched. */
    public static void atExitIfAsked() {
        Optional.ofNullable(System.getProperty(PROPERTY)).filter(p -> !p.isBlank()).map(Path::of).ifPresent(list ->
                Runtime.getRuntime().addShutdownHook(new Thread(() -> load(list, ClassListPreload.class.getClassLoader()),
                        "class-list-preload")));
    }

    /**
     * Loads and links each class the file names (one per line, dotted or slashed; '#' comments), without
     * running its static initialiser. A name this JVM or class path lacks (the list may come from
     * another JDK) is skipped. Returns how many loaded.
     */
    public static int load(Path list, ClassLoader loader) {
        List<String> lines;
        try {
            lines = Files.readAllLines(list);
        } catch (IOException e) {
            return 0; // a cache without them is still a cache
        }
        int loaded = 0;
        for (String line : lines) {
            String name = line.strip();
            int space = name.indexOf(' ');
            name = space < 0 ? name : name.substring(0, space);
            if (name.isEmpty() || name.startsWith("#") || name.startsWith("@")) {
                continue;
            }
            try {
                // Linked too, which a cache takes only ("Skipping ...: Not linked"): asking for its
                // constructors links a class (HotSpot) without running its static initialiser.
                Class.forName(name.replace('/', '.'), false, loader).getDeclaredConstructors();
                loaded++;
            } catch (ClassNotFoundException | LinkageError | SecurityException e) {
                // not in this JVM or on this class path
            }
        }
        return loaded;
    }
}
