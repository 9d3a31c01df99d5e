package dev.banger.image.oci;

import dev.banger.common.errors.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Where manifests and blobs come from: a registry, or an OCI image layout directory. */
public interface OciSource {
    /** The top manifest for the reference (for a layout: its index.json). */
    RegistryClient.Fetched top() throws IOException;

    RegistryClient.Fetched manifest(String digest) throws IOException;

    InputStream blob(String digest) throws IOException;

    static OciSource registry(RegistryClient client, String reference) {
        return new OciSource() {
            @Override
            public RegistryClient.Fetched top() throws IOException {
                return client.manifest(reference);
            }

            @Override
            public RegistryClient.Fetched manifest(String digest) throws IOException {
                return client.manifest(digest);
            }

            @Override
            public InputStream blob(String digest) throws IOException {
                return client.blob(digest);
            }
        };
    }

    static OciSource layout(Path dir) {
        if (!Files.isRegularFile(dir.resolve("index.json"), LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(dir.resolve("oci-layout"), LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidArgumentException(dir + " is not an OCI image layout (no oci-layout and index.json)");
        }
        return new OciSource() {
            @Override
            public RegistryClient.Fetched top() throws IOException {
                return new RegistryClient.Fetched("application/vnd.oci.image.index.v1+json",
                        Files.readAllBytes(dir.resolve("index.json")));
            }

            @Override
            public RegistryClient.Fetched manifest(String digest) throws IOException {
                return new RegistryClient.Fetched("", Files.readAllBytes(blobPath(digest)));
            }

            @Override
            public InputStream blob(String digest) throws IOException {
                return Files.newInputStream(blobPath(digest));
            }

            private Path blobPath(String digest) {
                if (!digest.matches("sha256:[0-9a-f]{64}")) {
                    throw new InvalidArgumentException("bad digest " + digest);
                }
                Path p = dir.resolve("blobs/sha256").resolve(digest.substring(7));
                if (Files.isSymbolicLink(p) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new InvalidArgumentException("layout has no blob " + digest);
                }
                return p;
            }
        };
    }
}
