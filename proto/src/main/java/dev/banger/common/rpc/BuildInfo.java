package dev.banger.common.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The build stamp (version, commit, build time) every banger binary and service reports (OPS-2). */
public final class BuildInfo {
    private static final dev.banger.proto.common.v1.BuildInfo CURRENT = load();

    private BuildInfo() {
    }

    public static dev.banger.proto.common.v1.BuildInfo current() {
        return CURRENT;
    }

    /** One line such as {@code banger 0.1.0-SNAPSHOT (commit 1a2b3c4, built 2026-11-23T16:00:00Z)}. */
    public static String describe(dev.banger.proto.common.v1.BuildInfo b) {
        return b.getVersion() + " (commit " + b.getCommit() + ", built " + b.getBuilt() + ")";
    }

    private static dev.banger.proto.common.v1.BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String commit = clean(p.getProperty("commit"));
        if ("true".equals(p.getProperty("dirty")) && !commit.equals("unknown")) {
            commit += "-dirty";
        }
        return dev.banger.proto.common.v1.BuildInfo.newBuilder()
                .setVersion(clean(p.getProperty("version")))
                .setCommit(commit)
                .setBuilt(clean(p.getProperty("built")))
                .build();
    }

    /** An unfiltered placeholder (built without git, say) reads as "unknown". */
    private static String clean(String v) {
        return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v;
    }
}
