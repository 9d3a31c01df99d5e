package dev.banger.cli.cache;

import dev.banger.cli.system.InstallRecord;
import dev.banger.cli.update.ReleaseManifest;
import dev.banger.cli.update.ReleaseVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The part of an installed release's work that scripts/train-cli-cache cannot reach through
 * commands on a checkout: reading and writing its install record and parsing a release
 * manifest (`system status`, `update`; Jackson's ~550 classes). Run under
 * -XX:DumpLoadedClassList for the class list the release's launcher trains from.
 */
public final class ClassListWorkload {
    private ClassListWorkload() {
    }

    public static void main(String[] args) throws IOException {
        Path record = Files.createTempFile("banger-install", ".json");
        try {
            Files.writeString(record, new InstallRecord("1.0.0", "owner", "/usr/local", "/usr/local/lib/banger",
                    "2026-01-01T00:00:00Z", 1000, true).json());
            InstallRecord.read(record).orElseThrow();
        } finally {
            Files.delete(record);
        }
        ReleaseManifest m = ReleaseManifest.parse(("{\"schema\": 1, \"latest\": \"1.0.0\", \"versions\": {\"1.0.0\":"
                + " {\"published\": \"2026-01-01T00:00:00Z\", \"artifacts\": [{\"name\": \"banger-1.0.0-linux-amd64.tar.gz\","
                + " \"size\": 1, \"sha256\": \"00\"}]}}}").getBytes(StandardCharsets.UTF_8), "the sample manifest");
        m.distribution(ReleaseVersion.parse(m.latest()));
    }
}
