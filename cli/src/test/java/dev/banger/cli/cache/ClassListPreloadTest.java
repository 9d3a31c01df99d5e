package dev.banger.cli.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassListPreloadTest {
    static volatile boolean initialised;

    /** Loaded by the test through the list; its initialiser must not run. */
    static final class Listed {
        static {
            initialised = true;
        }
    }

    @Test
    void loadsTheListedClassesWithoutInitialisingThemAndSkipsWhatIsMissing(@TempDir Path dir) throws Exception {
        Path list = dir.resolve("banger-cli.classlist");
        // The JVM's own list format: slashed names, ids after them, @-lines and comments.
        Files.writeString(list, String.join("\n", "# NOTE: Do not modify this file.", "java/lang/Object id: 0",
                "dev/banger/cli/cache/ClassListPreloadTest$Listed id: 7", "@lambda-proxy java/lang/Runnable run",
                "no.such.Clazz", "", "jdk/internal/NotInThisJdk id: 9") + "\n");
        int loaded = ClassListPreload.load(list, getClass().getClassLoader());
        assertEquals(2, loaded, "Object and Listed; the missing names skipped");
        assertFalse(initialised, "loaded, not initialised: no static initialiser runs at the training run's exit");
    }

    @Test
    void aMissingListLoadsNothingAndDoesNotFail(@TempDir Path dir) {
        assertEquals(0, ClassListPreload.load(dir.resolve("absent"), getClass().getClassLoader()));
    }
}
